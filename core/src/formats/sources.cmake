target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/float_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/float_rounding.cpp
    ${CMAKE_CURRENT_LIST_DIR}/integer_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/lookup_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/dynamic_map.cpp
    ${CMAKE_CURRENT_LIST_DIR}/format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_codebooks.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_codebooks_iq1.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_quantize.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_quantize_k.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_quantize_iq4_nl.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_quantize_common.h
    ${CMAKE_CURRENT_LIST_DIR}/ggml_types.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ggml_unpack.cpp
    ${CMAKE_CURRENT_LIST_DIR}/value_report.cpp)
