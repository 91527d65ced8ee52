target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/integer_gemm.h
    ${CMAKE_CURRENT_LIST_DIR}/integer_gemm.cpp
    ${CMAKE_CURRENT_LIST_DIR}/quantized_matmul.cpp)
