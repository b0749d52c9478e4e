#include "models/cells/device_effects.hpp"

#include <algorithm>
#include <cmath>

#include "sim/util/exact_sqrt.hpp"

namespace cimsim::models {

namespace {

// Draws of one write's outcome, as opposed to the device's own.
bool drawn_per_write(rng::Purpose p) {
  return p == rng::Purpose::Programming || p == rng::Purpose::Relaxation || p == rng::Purpose::AccumulatedNoise ||
         p == rng::Purpose::Retention;
}

}  // namespace

rng::Stream device_stream(const ArrayKey& key, rng::Purpose purpose) {
  // The chip's programming (write 0) keeps the three identifiers it always had.
  rng::Stream s = key.write > 0 && drawn_per_write(purpose)
                      ? rng::Stream(key.seed, purpose, {key.instance, key.layer, key.array, key.write})
                      : rng::Stream(key.seed, purpose, {key.instance, key.layer, key.array});
  if (const DrawOverride* o = key.override_draws; o && o->applies(purpose)) {
    o->applied.store(true, std::memory_order_relaxed);
    if (!o->pattern) {
      s.fix_normals(o->corner);
    } else if (key.array < o->pattern->size() && !(*o->pattern)[key.array].empty()) {
      s.fix_normals((*o->pattern)[key.array].data());
    }
  }
  return s;
}

double polynomial(const std::vector<double>& coeffs, double x) {
  double y = 0;
  for (auto it = coeffs.rbegin(); it != coeffs.rend(); ++it) y = y * x + *it;
  return y;
}

void declare_device_facts(config::SectionSpec& s, const DeviceFacts& d) {
  s.real("area_f2", d.area_f2, "F^2", "Cell footprint (" + d.area_source + ")").above(0);
  if (d.max_bits > 0)
    s.integer("max_bits_per_cell", d.max_bits, "bit", "Most bits one cell stores reliably (" + d.bits_source + ")")
        .range(1, 8);
  s.real("read_latency_ns", d.read_latency_ns, "ns",
         "Shortest read the device supports; 0 = not characterised (" + d.latency_source + ")")
      .at_least(0);
  s.real("write_pulses_low", d.write_pulses_low, "pulses",
         "Pulses that put a device in its lowest state (a reset) (" + d.write_source + ")")
      .at_least(0);
  s.real("write_pulses_level", d.write_pulses_level, "pulses",
         "Mean pulses that program any higher level, verify iterations included; 0 = not characterised (" +
             d.write_source + ")")
      .at_least(0);
  s.real("write_pulse_energy_pj", d.write_pulse_energy_pj, "pJ",
         "Energy of one programming pulse with its verify read; 0 = not characterised (" + d.write_source + ")")
      .at_least(0);
  s.real("write_pulse_ns", d.write_pulse_ns, "ns",
         "Duration of one programming pulse with its verify read; 0 = not characterised (" + d.write_source + ")")
      .at_least(0);
  s.real("endurance_writes", d.endurance_writes, "writes",
         "Writes a cell endures; 0 = not characterised (" + d.endurance_source + ")")
      .at_least(0);
}

DeviceCell::DeviceCell(const config::Params& p, ConductanceWindow window, int max_bits)
    : window_(window),
      max_bits_(max_bits),
      area_f2_(p.real("area_f2")),
      read_latency_ns_(p.real("read_latency_ns")),
      endurance_(p.real("endurance_writes")),
      pulses_low_(p.real("write_pulses_low")),
      pulses_level_(p.real("write_pulses_level")),
      pulse_energy_pj_(p.real("write_pulse_energy_pj")),
      pulse_ns_(p.real("write_pulse_ns")) {}

WriteCost DeviceCell::write_cost(double target_us) const {
  WriteCost c;
  c.characterised = pulses_level_ > 0 && pulse_energy_pj_ > 0 && pulse_ns_ > 0;
  if (!c.characterised) return c;
  const double lowest_band = 1e-6 * (window_.g_max_us - window_.g_min_us);
  c.pulses = target_us <= window_.g_min_us + lowest_band ? pulses_low_ : pulses_level_;
  c.energy_pj = c.pulses * pulse_energy_pj_;
  c.time_ns = c.pulses * pulse_ns_;
  return c;
}

void DeviceSpread::declare(config::SectionSpec& s, double sigma, const std::string& source) {
  s.real("d2d_sigma", sigma, "1",
         "Device-to-device spread: std-dev of ln G, lognormal, drawn once per device (" + source + ")")
      .at_least(0);
}

DeviceSpread DeviceSpread::from(const config::Params& p) { return {p.real("d2d_sigma")}; }

Eigen::MatrixXf DeviceSpread::factors(Eigen::Index rows, Eigen::Index cols, const ArrayKey& key) const {
  Eigen::MatrixXf f = Eigen::MatrixXf::Ones(rows, cols);
  if (sigma <= 0) return f;
  const std::vector<float> z = device_stream(key, rng::Purpose::DeviceSpread).normals_fast(static_cast<std::size_t>(rows * cols));
  for (Eigen::Index r = 0; r < rows; ++r)
    for (Eigen::Index c = 0; c < cols; ++c) f(r, c) = static_cast<float>(std::exp(sigma * z[static_cast<std::size_t>(r * cols + c)]));
  return f;
}

void StuckAt::declare(config::SectionSpec& s, double sa0, double sa1, const std::string& source) {
  s.real("stuck_sa0_rate", sa0, "1", "Fraction of devices stuck at the lowest conductance (" + source + ")")
      .range(0, 1);
  s.real("stuck_sa1_rate", sa1, "1", "Fraction of devices stuck at the highest conductance (" + source + ")")
      .range(0, 1);
}

StuckAt StuckAt::from(const config::Params& p) {
  StuckAt s{p.real("stuck_sa0_rate"), p.real("stuck_sa1_rate")};
  if (s.sa0_rate + s.sa1_rate > 1)
    p.fail("stuck_sa1_rate", "stuck_sa0_rate + stuck_sa1_rate must not exceed 1");
  return s;
}

Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> StuckAt::apply(Eigen::MatrixXf& g, const ArrayKey& key,
                                                                  float g_low, float g_high) const {
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> stuck;
  if (sa0_rate <= 0 && sa1_rate <= 0) return stuck;
  stuck.setConstant(g.rows(), g.cols(), false);
  const rng::Stream s = device_stream(key, rng::Purpose::StuckAt);
  for (Eigen::Index r = 0; r < g.rows(); ++r)
    for (Eigen::Index c = 0; c < g.cols(); ++c) {
      const double u = s.uniform(static_cast<std::uint64_t>(r * g.cols() + c));
      if (u < sa0_rate) g(r, c) = g_low;
      else if (u < sa0_rate + sa1_rate) g(r, c) = g_high;
      else continue;
      stuck(r, c) = true;
    }
  return stuck;
}

void add_read_sigma(ArrayDevices& d, const Eigen::MatrixXf& sigma_us) {
  if (d.read_sigma_us.size() == 0) d.read_sigma_us = sigma_us.cwiseAbs();
  else {
    d.read_sigma_us = (d.read_sigma_us.array().square() + sigma_us.array().square()).matrix();
    util::sqrt_in_place(d.read_sigma_us.data(), static_cast<std::size_t>(d.read_sigma_us.size()));
  }
}

void declare_noise_draw(config::SectionSpec& s, const std::string& key, const std::string& what) {
  s.choice(key, "once", {"once", "every_read"},
           what + ": once = drawn per chip instance at the inference time, every read sees it (the fit's "
                  "semantics); every_read = the same sigma as independent noise on each read");
}

NoiseDraw noise_draw_from(const config::Params& p, const std::string& key) {
  return p.text(key) == "every_read" ? NoiseDraw::EveryRead : NoiseDraw::Once;
}

void apply_time_noise(ArrayDevices& d, const Eigen::MatrixXf& sigma_us, NoiseDraw draw, const ArrayKey& key) {
  if (draw == NoiseDraw::EveryRead) {
    add_read_sigma(d, sigma_us);
    return;
  }
  const Eigen::Index cols = d.g_us.cols();
  const std::vector<float> draws =
      device_stream(key, rng::Purpose::AccumulatedNoise).normals_fast(static_cast<std::size_t>(d.g_us.size()));
  for (Eigen::Index r = 0; r < d.g_us.rows(); ++r)
    for (Eigen::Index c = 0; c < cols; ++c) {
      if (sigma_us(r, c) == 0) continue;
      const double z = draws[static_cast<std::size_t>(r * cols + c)];
      d.g_us(r, c) = static_cast<float>(std::max(0.0, d.g_us(r, c) + sigma_us(r, c) * z));
    }
}

void declare_reference_temperature(config::SectionSpec& s, const std::string& what) {
  s.real("temperature_ref_k", 300, "K", "Temperature the fitted " + what + " hold at (room temperature)").range(1, 1000);
}

double accumulated_noise_factor(double t_s, double t_read_s) {
  const double x = std::log((t_s + t_read_s) / (2 * t_read_s));
  return x > 0 ? std::sqrt(x) : 0.0;
}

}  // namespace cimsim::models
