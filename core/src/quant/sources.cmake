target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/quant_config.cpp
    ${CMAKE_CURRENT_LIST_DIR}/metrics.cpp
    ${CMAKE_CURRENT_LIST_DIR}/histogram.cpp
    ${CMAKE_CURRENT_LIST_DIR}/group_summary.cpp
    ${CMAKE_CURRENT_LIST_DIR}/histogram_slots.h
    ${CMAKE_CURRENT_LIST_DIR}/kl_counts.h
    ${CMAKE_CURRENT_LIST_DIR}/kl_counts.cpp
    ${CMAKE_CURRENT_LIST_DIR}/slot_pair_counts.h
    ${CMAKE_CURRENT_LIST_DIR}/quantizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/result_notes.cpp
    ${CMAKE_CURRENT_LIST_DIR}/scale_limits.h
    ${CMAKE_CURRENT_LIST_DIR}/calibration.cpp
    ${CMAKE_CURRENT_LIST_DIR}/error_sums.cpp
    ${CMAKE_CURRENT_LIST_DIR}/group_layout.cpp
    ${CMAKE_CURRENT_LIST_DIR}/scaled_quantizer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/statistics.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep.cpp)
