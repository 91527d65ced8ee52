# The model overview (issue 20): every tensor of a model under several configs.
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/core_gate.h
    ${CMAKE_CURRENT_LIST_DIR}/model_overview.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_sqnr.cpp
    ${CMAKE_CURRENT_LIST_DIR}/overview_export.cpp)
