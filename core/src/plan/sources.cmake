# The precision planner (issue 20): a config per tensor within a byte budget.
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/planner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/choice_solver.h
    ${CMAKE_CURRENT_LIST_DIR}/choice_solver.cpp
    ${CMAKE_CURRENT_LIST_DIR}/budget.cpp
    ${CMAKE_CURRENT_LIST_DIR}/plan_io.cpp
    ${CMAKE_CURRENT_LIST_DIR}/plan_evaluation.cpp)
