# Data sources (issue 5): loaders, the npy writer and their shared readers.
find_package(ZLIB REQUIRED)
target_link_libraries(quantscope_core PRIVATE ZLIB::ZLIB)
target_sources(quantscope_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/atomic_write.cpp
    ${CMAKE_CURRENT_LIST_DIR}/byte_reader.cpp
    ${CMAKE_CURRENT_LIST_DIR}/dtype.cpp
    ${CMAKE_CURRENT_LIST_DIR}/file_data.cpp
    ${CMAKE_CURRENT_LIST_DIR}/generator_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gguf_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gguf_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/json.cpp
    ${CMAKE_CURRENT_LIST_DIR}/load_error.cpp
    ${CMAKE_CURRENT_LIST_DIR}/loader_registry.cpp
    ${CMAKE_CURRENT_LIST_DIR}/npy_format.cpp
    ${CMAKE_CURRENT_LIST_DIR}/npy_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/npy_writer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/npz_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/onnx_external.cpp
    ${CMAKE_CURRENT_LIST_DIR}/onnx_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/onnx_tensor.cpp
    ${CMAKE_CURRENT_LIST_DIR}/protobuf.cpp
    ${CMAKE_CURRENT_LIST_DIR}/raw_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/safetensors_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/safetensors_index_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/strided_read.cpp
    ${CMAKE_CURRENT_LIST_DIR}/text_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/wav_source.cpp
    ${CMAKE_CURRENT_LIST_DIR}/zip.cpp)
