// .npy reading: dtypes, byte order, Fortran order, and clear errors for broken files.

#include <catch2/catch.hpp>

#include <fstream>

#include "sim/config/error.hpp"
#include "sim/util/npy.hpp"
#include "support.hpp"

using namespace cimsim;

using test::npy_bytes;

TEST_CASE("npy: float32 and int64 round trip", "[npy]") {
  test::TempDir dir;
  npy::save_f32(dir.path() + "/a.npy", {2, 3}, {1, 2, 3, 4, 5, 6.5f});
  const auto a = npy::load(dir.path() + "/a.npy");
  CHECK(a.shape == std::vector<std::int64_t>{2, 3});
  CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6.5});
  CHECK_FALSE(a.integral);
  npy::save_i64(dir.path() + "/b.npy", {4}, {-1, 0, 7, 1LL << 40});
  const auto b = npy::load(dir.path() + "/b.npy");
  CHECK(b.integral);
  CHECK(b.values == std::vector<double>{-1, 0, 7, static_cast<double>(1LL << 40)});
}

TEST_CASE("npy: big-endian and Fortran-ordered arrays read in C order", "[npy]") {
  test::TempDir dir;
  // >i2 values 1, 2, 3, 4, 5, 6 stored column-major for shape (2, 3): C order is 1 3 5 / 2 4 6.
  std::string data;
  for (int v : {1, 2, 3, 4, 5, 6}) {
    data += static_cast<char>(0);
    data += static_cast<char>(v);
  }
  const std::string path = dir.file("f.npy", npy_bytes("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", data));
  const auto a = npy::load(path);
  CHECK(a.values == std::vector<double>{1, 3, 5, 2, 4, 6});
}

TEST_CASE("npy: broken files are errors naming the file", "[npy]") {
  test::TempDir dir;
  CHECK_THROWS_WITH(npy::load(dir.file("x.npy", "hello")), Catch::Contains("x.npy") && Catch::Contains("magic"));
  CHECK_THROWS_WITH(npy::load(dir.file("t.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", "abc"))),
                    Catch::Contains("shorter"));
  CHECK_THROWS_WITH(npy::load(dir.file("o.npy", npy_bytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "12345678"))),
                    Catch::Contains("unsupported dtype"));
  CHECK_THROWS_AS(npy::load(dir.path() + "/missing.npy"), config::InputError);
}
