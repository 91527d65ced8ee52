// quantscope-render-icon SVG SIZE PNG: renders the application's SVG icon as a SIZE x SIZE PNG
// at build time, so the hicolor theme's PNG sizes are always drawn from the one SVG. The build
// runs it on Qt's offscreen platform (packaging/CMakeLists.txt): no display needed.

#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: quantscope-render-icon SVG SIZE PNG\n");
        return 2;
    }
    QGuiApplication app(argc, argv);
    const int size = std::atoi(argv[2]);
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid() || size <= 0) {
        std::fprintf(stderr, "quantscope-render-icon: cannot read %s, or bad size %s\n", argv[1],
                     argv[2]);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    svg.render(&painter);
    painter.end();
    if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
        std::fprintf(stderr, "quantscope-render-icon: cannot write %s\n", argv[3]);
        return 1;
    }
    return 0;
}
