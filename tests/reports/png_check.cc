// png_check PNG WIDTH HEIGHT: checks that a screenshot is not blank. Decodes the PNG (libpng),
// checks its size, and that it is not one colour: at least 1 % of its pixels differ from the
// top-left (background) pixel and it has at least 16 distinct colours (text, charts, badges).
// Prints what it measured; exit 0 pass, 1 fail, 2 usage or unreadable file.
#include <png.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: png_check PNG WIDTH HEIGHT\n");
    return 2;
  }
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, argv[1])) {
    std::fprintf(stderr, "png_check: cannot read %s: %s\n", argv[1], image.message);
    return 2;
  }
  image.format = PNG_FORMAT_RGBA;
  std::vector<png_byte> pixels(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) {
    std::fprintf(stderr, "png_check: cannot decode %s: %s\n", argv[1], image.message);
    return 2;
  }
  const unsigned want_w = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10));
  const unsigned want_h = static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10));
  const uint64_t n = static_cast<uint64_t>(image.width) * image.height;
  auto pixel = [&](uint64_t i) {
    const png_byte* p = &pixels[i * 4];
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  };
  const uint32_t background = n > 0 ? pixel(0) : 0;
  uint64_t differ = 0;
  std::set<uint32_t> colours;
  for (uint64_t i = 0; i < n; ++i) {
    const uint32_t c = pixel(i);
    differ += c != background;
    if (colours.size() < 100000) colours.insert(c);
  }
  const double fraction = n > 0 ? static_cast<double>(differ) / static_cast<double>(n) : 0;
  std::printf(
      "png_check: %s: %ux%u, %.2f%% of pixels differ from the background #%08x, %zu colours\n",
      argv[1], image.width, image.height, fraction * 100, background, colours.size());
  bool ok = true;
  if (image.width != want_w || image.height != want_h) {
    std::printf("png_check: FAIL: expected %ux%u\n", want_w, want_h);
    ok = false;
  }
  if (fraction < 0.01) {
    std::printf("png_check: FAIL: the image is (nearly) one colour: blank\n");
    ok = false;
  }
  if (colours.size() < 16) {
    std::printf("png_check: FAIL: only %zu colours: no text or charts drawn\n", colours.size());
    ok = false;
  }
  return ok ? 0 : 1;
}
