target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/float_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/float_rounding.cpp
    ${CMAKE_CURRENT_LIST_DIR}/integer_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lookup_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/format.cpp)
# The bulk kernels select between results; with trapping math GCC keeps the float multiply of
# one side under a branch and refuses to vectorize. QuantScope never unmasks FP exceptions.
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/float_rounding.cpp
    PROPERTIES COMPILE_OPTIONS "-fno-trapping-math")
