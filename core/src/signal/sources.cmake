target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/spectrum.cpp)
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/pcm.cpp)
