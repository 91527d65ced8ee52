# The training demo (issue 22): PTQ against QAT, low-precision weight updates.
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/task.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mlp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/optimizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/training.cpp
    ${CMAKE_CURRENT_LIST_DIR}/fake_quant.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ptq_qat.cpp
    ${CMAKE_CURRENT_LIST_DIR}/training_runs.h
    ${CMAKE_CURRENT_LIST_DIR}/training_runs.cpp
    ${CMAKE_CURRENT_LIST_DIR}/low_precision.cpp
    ${CMAKE_CURRENT_LIST_DIR}/update_comparison.cpp)
# 8-bit optimizer states (issue 22): Adam with FP32, linear int8 or dynamic-map moments.
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/optimizer_state.cpp
    ${CMAKE_CURRENT_LIST_DIR}/adam.cpp)
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/adam_optimizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/adam_comparison.cpp)
# GCC 12 at -O1 (the ASan build) on an AVX-512 target warns that Eigen's 16x16 float transpose
# reads an uninitialised register: a false positive inside _mm512_unpack{lo,hi}_ps, which
# leave the operand `__Y = __Y` on purpose. -Werror in CI would fail on it.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/mlp.cpp PROPERTIES
        COMPILE_OPTIONS -Wno-uninitialized)
endif()
