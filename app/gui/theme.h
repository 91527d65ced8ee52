#pragma once
// The Theme preference: follow the system's palette, or a light or dark one of our own. Every
// view already follows QApplication's palette when it changes, so a theme is only a palette.

#include <QPalette>

#include "preferences.h"

namespace quantscope::app {

QPalette lightPalette();
QPalette darkPalette();
// Sets the application's palette for `theme`. Theme::System leaves the palette alone unless an
// earlier call replaced it, which it then undoes.
void applyTheme(Theme theme);

}  // namespace quantscope::app
