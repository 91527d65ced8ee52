# Checks one level's kernel object (core/src/simd/sources.cmake): its only global symbol is its
# table, and it has no start-up code (static constructors would run that level's instructions
# before dispatch, on any CPU).
# Usage: cmake -DOBJECT=<file.o> -DSYMBOL=<table> -DREADELF=<readelf> -DNM=<nm> -P CheckLevelObject.cmake
cmake_minimum_required(VERSION 3.25)

execute_process(COMMAND ${READELF} -S -W ${OBJECT} OUTPUT_VARIABLE sections RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "cannot read ${OBJECT}")
endif()
string(REGEX MATCHALL "\\.(init_array|ctors|preinit_array)[^ ]*" startup "${sections}")
if(startup)
    message(FATAL_ERROR "${OBJECT} runs code at start-up (${startup}): a namespace-scope object "
                        "with a constructor in a file compiled per level")
endif()
execute_process(COMMAND ${NM} -g --defined-only ${OBJECT} OUTPUT_VARIABLE globals
                RESULT_VARIABLE status)
string(REGEX REPLACE "[0-9a-f]+ [A-Za-z] " "" globals "${globals}")
string(STRIP "${globals}" globals)
if(NOT status EQUAL 0 OR NOT globals STREQUAL SYMBOL)
    message(FATAL_ERROR "${OBJECT} exports more than ${SYMBOL}: ${globals}")
endif()
