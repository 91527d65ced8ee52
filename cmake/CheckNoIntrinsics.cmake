# The portable build's static check: no source of core, as the portable build (QUANTSCOPE_ARCH
# none) compiles it, includes an intrinsics header (x86 *intrin.h, ARM arm_neon.h / arm_sve.h).
# Each core source is run through the preprocessor with its compile command in this build tree,
# any -march dropped and QUANTSCOPE_PORTABLE defined (-M lists every header it reads), so that
# any x86 build checks what a non-x86 machine would compile.
# Usage: cmake -DBUILD_DIR=<build tree> -DSOURCE_DIR=<core folder> -P CheckNoIntrinsics.cmake
cmake_minimum_required(VERSION 3.25)

file(READ "${BUILD_DIR}/compile_commands.json" commands)
string(JSON count LENGTH "${commands}")
math(EXPR last "${count} - 1")
set(checked 0)
set(seen "")
set(failures "")
foreach(i RANGE ${last})
    string(JSON file GET "${commands}" ${i} file)
    cmake_path(IS_PREFIX SOURCE_DIR "${file}" NORMALIZE in_core)
    # A file compiled once per level (runtime dispatch) is checked once.
    if(NOT in_core OR "${file}" IN_LIST seen)
        continue()
    endif()
    list(APPEND seen "${file}")
    string(JSON directory GET "${commands}" ${i} directory)
    string(JSON command GET "${commands}" ${i} command)
    separate_arguments(args UNIX_COMMAND "${command}")
    # Preprocess only: drop the object output, list the headers instead.
    list(FIND args "-o" at)
    if(at GREATER_EQUAL 0)
        list(REMOVE_AT args ${at})
        list(REMOVE_AT args ${at})
    endif()
    list(REMOVE_ITEM args "-c")
    list(FILTER args EXCLUDE REGEX "^-march=")
    list(APPEND args -DQUANTSCOPE_PORTABLE)
    execute_process(COMMAND ${args} -M -MF /dev/stdout
                    WORKING_DIRECTORY "${directory}"
                    OUTPUT_VARIABLE headers ERROR_VARIABLE errors RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
        message(FATAL_ERROR "cannot preprocess ${file}: ${errors}")
    endif()
    string(REGEX MATCHALL "[^ \\\n]*(intrin\\.h|arm_neon\\.h|arm_sve\\.h)" found "${headers}")
    if(found)
        list(GET found 0 first)
        string(APPEND failures "\n  ${file} includes ${first}")
    endif()
    math(EXPR checked "${checked} + 1")
endforeach()
if(checked EQUAL 0)
    message(FATAL_ERROR "no source under ${SOURCE_DIR} in ${BUILD_DIR}/compile_commands.json")
endif()
if(failures)
    message(FATAL_ERROR "intrinsics in the portable build:${failures}")
endif()
message(STATUS "${checked} core sources, no intrinsics header")
