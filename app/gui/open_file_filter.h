#pragma once
// What the window says about the files it opens, made from the loader registry
// (quantscope/io/loader_registry.h) so that it names every format open_source reads.

#include <QString>

namespace quantscope::app {

// The open dialog's name filters: every extension a loader claims, then "All files (*)".
QString openFileFilter();

// Every extension a loader claims: ".npy .npz ... .txt".
QString openFileExtensions();

}  // namespace quantscope::app
