// Row drivers: amplitude-coded (voltage, bit-serial at 1 bit) and time-coded (pulse_width). Both
// pass a charge proportional to the input level; they differ in voltage, duration and energy.

#include <catch2/catch.hpp>

#include "models/periphery/dac.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::unique_ptr<models::DacModel> dac_from(const std::string& yaml) {
  return models::DacRegistry::instance().create(test::config_with(yaml).section("dac"));
}

}  // namespace

TEST_CASE("dac: a voltage driver codes the level in the amplitude for the whole read", "[dac]") {
  const auto dac = dac_from("dac: {model: voltage, bits: 3, power_uw: 3.9}");
  CHECK(dac->max_level() == 7);
  CHECK(dac->row_voltage_v(3, 0.7) == Approx(0.3));
  CHECK(dac->row_drive_ns(3, 100) == 100);
  CHECK(dac->drive_time_ns(100) == 100);
  // Power while driving times the read: 3.9 uW x 100 ns = 0.39 pJ, whatever the level.
  CHECK(dac->drive_energy_pj(0, 100) == Approx(0.39));
  CHECK(dac->drive_energy_pj(7, 100) == Approx(0.39));
  CHECK(dac->energy_per_drive_pj(100) == Approx(0.39));
  // Cell energy weight V(u)^2 t: quadratic in the level.
  CHECK(dac->cell_energy_weight(7, 0.7, 100) == Approx(0.49 * 100));
  CHECK(dac->cell_energy_weight(2, 0.7, 100) == Approx(0.04 * 100));
  // Bit-serial: one bit, the full read voltage or nothing.
  const auto serial = dac_from("dac: {preset: isaac_1bit}");
  CHECK(serial->row_voltage_v(1, 0.2) == Approx(0.2));
  CHECK(serial->row_voltage_v(0, 0.2) == 0);
  CHECK(serial->area_um2() == Approx(0.166));
}

TEST_CASE("dac: a pulse-width driver codes the level in time", "[dac]") {
  const auto dac = dac_from("dac: {model: pulse_width, bits: 4, power_uw: 3.9, unit_pulse_ns: 2}");
  CHECK(dac->row_voltage_v(5, 0.2) == Approx(0.2));
  CHECK(dac->row_voltage_v(0, 0.2) == 0);
  CHECK(dac->row_drive_ns(5, 10) == Approx(10));
  // A read lasts the longest pulse, 15 units, unless the array needs longer to settle.
  CHECK(dac->drive_time_ns(5) == Approx(30));
  CHECK(dac->drive_time_ns(50) == Approx(50));
  // The driver is on for u units: energy and cell energy are linear in the level.
  CHECK(dac->drive_energy_pj(5, 10) == Approx(3.9e-3 * 10));
  CHECK(dac->energy_per_drive_pj(10) == Approx(3.9e-3 * 30));
  CHECK(dac->cell_energy_weight(5, 0.2, 10) == Approx(0.04 * 10));
  CHECK(dac->cell_energy_weight(10, 0.2, 10) == Approx(2 * dac->cell_energy_weight(5, 0.2, 10)));
}

TEST_CASE("dac: both codings pass a charge proportional to the level", "[dac]") {
  const auto voltage = dac_from("dac: {model: voltage, bits: 4}");
  const auto pulse = dac_from("dac: {model: pulse_width, bits: 4, unit_pulse_ns: 3}");
  for (int u = 1; u <= 15; ++u) {
    // Charge per unit conductance, V(u)·t(u), over u is the same for every level.
    CHECK(voltage->row_voltage_v(u, 0.3) * voltage->row_drive_ns(u, 45) / u ==
          Approx(voltage->row_voltage_v(1, 0.3) * voltage->row_drive_ns(1, 45)));
    CHECK(pulse->row_voltage_v(u, 0.3) * pulse->row_drive_ns(u, 45) / u ==
          Approx(pulse->row_voltage_v(1, 0.3) * pulse->row_drive_ns(1, 45)));
  }
}
