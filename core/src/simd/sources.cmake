# Runtime dispatch (docs/design.md "Instruction-set levels"): the entry points' table
# (kernel_table.h) and the one place that chooses it (dispatch.cpp).
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/kernel_table.h
    ${CMAKE_CURRENT_LIST_DIR}/dispatch.cpp)

# The files compiled once per level: those that define the table's entry points (per_level) and
# those their loops run in. Files with state shared across calls (buffer.cpp's free list,
# parallel.cpp's workers) stay out: each level's object has its own copy of what it holds.
set(QUANTSCOPE_LEVELED_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/kernel_table.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../formats/float_rounding.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../formats/ggml_quantize.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../formats/ggml_quantize_iq4_nl.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../formats/ggml_quantize_k.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../formats/ggml_unpack.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../ops/integer_gemm.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/calibration.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/error_sums.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/ggml_route.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/group_calibration.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/group_layout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/group_parameters.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/group_quantizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/histogram.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/histogram_plot.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/integer_kernels.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/kl_counts.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/kl_scale_counts.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/outliers.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/quantizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/scaled_kernels.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/scaled_parameters.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../quant/scaled_quantizer.cpp)

# Level name, its SimdLevel, its -march, and whether it takes the plain C++ paths.
set(_levels
    "scalar\;Scalar\;x86-64-v2\;ON"
    "avx2\;Avx2\;x86-64-v3\;OFF"
    "avx512\;Avx512\;x86-64-v4\;OFF")

if(NOT QUANTSCOPE_RUNTIME_DISPATCH)
    # One table, the library's own code at the build's level.
    foreach(_level IN LISTS _levels)
        list(GET _level 0 _name)
        list(GET _level 1 _enum)
        if(_name STREQUAL QUANTSCOPE_ARCH_LEVEL)
            target_sources(quantscope_core PRIVATE ${CMAKE_CURRENT_LIST_DIR}/kernel_table.cpp)
            set_source_files_properties(
                ${CMAKE_CURRENT_LIST_DIR}/kernel_table.cpp ${CMAKE_CURRENT_LIST_DIR}/dispatch.cpp
                TARGET_DIRECTORY quantscope_core PROPERTIES COMPILE_DEFINITIONS
                "QUANTSCOPE_KERNEL_TABLE=quantscope_kernels_${_name};QUANTSCOPE_KERNEL_LEVEL=${_enum}")
        endif()
    endforeach()
    return()
endif()

set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/dispatch.cpp TARGET_DIRECTORY quantscope_core
                            PROPERTIES COMPILE_DEFINITIONS QUANTSCOPE_RUNTIME_DISPATCH)
# Each level: the files above compiled with its -march into one relocatable object whose only
# global symbol is its table. Inline functions and template instantiations (std::vector's,
# Eigen's) are emitted in every object that uses them and the linker keeps one copy per name:
# were they global, baseline code could end up calling an AVX-512 copy on a CPU without it.
# Local to the level's object, each level calls only its own. link_level_object.cmake also
# checks that the object runs nothing at start-up (the CPU may lack its instructions).
foreach(_level IN LISTS _levels)
    list(GET _level 0 _name)
    list(GET _level 1 _enum)
    list(GET _level 2 _march)
    list(GET _level 3 _portable)
    set(_target quantscope_core_${_name})
    add_library(${_target} OBJECT ${QUANTSCOPE_LEVELED_SOURCES})
    target_include_directories(${_target} PRIVATE ${PROJECT_SOURCE_DIR}/core/include)
    target_link_libraries(${_target} PRIVATE Eigen3::Eigen quantscope_common_settings)
    # -Wno-psabi: GCC notes that vector arguments pass differently without AVX; only this
    # level's own code calls its functions. -fno-gnu-unique: the static data of inline
    # functions becomes weak instead of "unique" global, so that it too is local to the level.
    target_compile_options(${_target} PRIVATE -march=${_march} -Wno-psabi -fno-gnu-unique)
    target_compile_definitions(${_target} PRIVATE QUANTSCOPE_KERNEL_TABLE=quantscope_kernels_${_name}
                                                  QUANTSCOPE_KERNEL_LEVEL=${_enum})
    if(_portable)
        target_compile_definitions(${_target} PRIVATE QUANTSCOPE_PORTABLE)
    endif()
    set(_object ${CMAKE_CURRENT_BINARY_DIR}/quantscope_kernels_${_name}.o)
    add_custom_command(
        OUTPUT ${_object}
        COMMAND ${CMAKE_LINKER} -r --force-group-allocation -o ${_object}.merged
                $<TARGET_OBJECTS:${_target}>
        COMMAND ${CMAKE_OBJCOPY} --keep-global-symbol=quantscope_kernels_${_name}
                ${_object}.merged ${_object}
        COMMAND ${CMAKE_COMMAND} -DOBJECT=${_object} -DSYMBOL=quantscope_kernels_${_name}
                -DREADELF=${CMAKE_READELF} -DNM=${CMAKE_NM}
                -P ${PROJECT_SOURCE_DIR}/cmake/CheckLevelObject.cmake
        DEPENDS ${_target} $<TARGET_OBJECTS:${_target}> ${PROJECT_SOURCE_DIR}/cmake/CheckLevelObject.cmake
        COMMAND_EXPAND_LISTS VERBATIM
        COMMENT "Linking the ${_name} kernels into one object")
    target_sources(quantscope_core PRIVATE ${_object})
endforeach()
