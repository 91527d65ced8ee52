target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/optimizer_state.cpp
    ${CMAKE_CURRENT_LIST_DIR}/adam.cpp)
