// The desktop integration files: the .desktop entry's required keys and a well-formed icon.
#include "ui_test_support.h"

#include "app_icon.h"

#include <catch2/catch.hpp>

#include <QFile>
#include <QSettings>
#include <QXmlStreamReader>

TEST_CASE("emgws.desktop names the executable, the icon and the menu categories", "[ui][install]") {
    QFile f(QStringLiteral(EMGWS_SOURCE_DIR "/resources/emgws.desktop"));
    REQUIRE(f.open(QIODevice::ReadOnly | QIODevice::Text));
    QStringList lines = QString::fromUtf8(f.readAll()).split('\n');
    REQUIRE(lines.first() == "[Desktop Entry]");
    auto value = [&](const QString& key) {
        for (const auto& l : lines)
            if (l.startsWith(key + "=")) return l.mid(key.size() + 1);
        return QString();
    };
    CHECK(value("Type") == "Application");
    CHECK(value("Name") == "emgws");
    CHECK(value("Exec") == "emgws %f");   // a recording double-clicked in a file manager opens for review
    CHECK(value("Icon") == "emgws");
    CHECK(value("Categories") == "Science;MedicalSoftware;");
}

TEST_CASE("the application icon is well-formed SVG and its drawn twin has every size", "[ui][install]") {
    emg::test::qtApp();
    QFile f(QStringLiteral(EMGWS_SOURCE_DIR "/resources/icons/emgws.svg"));
    REQUIRE(f.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&f);
    bool sawSvg = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement() && xml.name() == QLatin1String("svg")) {
            sawSvg = true;
            CHECK(xml.attributes().value("viewBox") == QLatin1String("0 0 128 128"));
        }
    }
    CHECK_FALSE(xml.hasError());
    CHECK(sawSvg);
    const QIcon icon = emg::ui::applicationIcon();
    CHECK(icon.availableSizes().size() == 7);
    const QImage img = icon.pixmap(64, 64).toImage();
    CHECK(img.pixelColor(32, 8).alpha() == 255);  // inside the rounded screen
    CHECK(img.pixelColor(1, 1).alpha() == 0);     // transparent corner
}
