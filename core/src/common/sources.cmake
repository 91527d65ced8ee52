target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/buffer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/cancel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tensor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/text.cpp
    ${CMAKE_CURRENT_LIST_DIR}/json_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/generators.cpp
    ${CMAKE_CURRENT_LIST_DIR}/parallel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/prefetch.h
    ${CMAKE_CURRENT_LIST_DIR}/simd_level.h
    ${CMAKE_CURRENT_LIST_DIR}/stream_store.h
    ${CMAKE_CURRENT_LIST_DIR}/finite_float.h
    ${CMAKE_CURRENT_LIST_DIR}/rounding_dispatch.h
    ${CMAKE_CURRENT_LIST_DIR}/rounding.cpp)
