#pragma once
// Building blocks the cell models share: the facts every physical device declares (footprint,
// levels, read latency, write cost, endurance), device-to-device spread, stuck-at faults and read
// noise. Each block declares its keys once, so every model that has an effect names it the same
// way and a sweep addresses it uniformly (`cell.d2d_sigma`, `cell.stuck_sa0_rate` ...).

#include <string>
#include <vector>

#include "models/cells/cell_model.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::models {

// Σ_i c_i·x^i.
double polynomial(const std::vector<double>& coeffs, double x);

// Defaults, with their sources, of what every physical device declares.
struct DeviceFacts {
  double area_f2 = 25;
  std::string area_source;
  int max_bits = 0;  // 0: the model fixes its levels and declares no max_bits_per_cell
  std::string bits_source;
  double read_latency_ns = 0;  // 0: not characterised
  std::string latency_source;
  // Program-and-verify: pulses to put a device in its lowest state (a reset), mean pulses for any
  // higher level (verify iterations included), energy and duration of one pulse with its verify
  // read. Zero energy, duration or level pulses: not characterised.
  double write_pulses_low = 1;
  double write_pulses_level = 0;
  double write_pulse_energy_pj = 0;
  double write_pulse_ns = 0;
  std::string write_source;
  double endurance_writes = 0;  // 0: not characterised
  std::string endurance_source;
};
void declare_device_facts(config::SectionSpec& spec, const DeviceFacts& defaults);

// A physical device on a conductance window: everything but programming comes from the keys of
// declare_device_facts().
class DeviceCell : public CellModel {
 public:
  DeviceCell(const config::Params& p, ConductanceWindow window, int max_bits);

  double g_min_us() const override { return window_.g_min_us; }
  double g_max_us() const override { return window_.g_max_us; }
  int max_bits_per_cell() const override { return max_bits_; }
  double area_f2() const override { return area_f2_; }
  WriteCost write_cost(double target_us) const override;
  double endurance_writes() const override { return endurance_; }
  double read_latency_ns() const override { return read_latency_ns_; }

 protected:
  ConductanceWindow window_;

 private:
  int max_bits_;
  double area_f2_, read_latency_ns_, endurance_;
  double pulses_low_, pulses_level_, pulse_energy_pj_, pulse_ns_;
};

// Device-to-device variation: each device's conductance scaled by exp(d2d_sigma·ξ), ξ ~ N(0, 1)
// drawn once per device (lognormal, d2d_sigma = σ of ln G; the median is kept).
struct DeviceSpread {
  double sigma = 0;
  static void declare(config::SectionSpec& spec, double sigma, const std::string& source);
  static DeviceSpread from(const config::Params& p);
  // The factor of every device of an array (all ones when sigma is 0).
  Eigen::MatrixXf factors(Eigen::Index rows, Eigen::Index cols, const ArrayKey& key) const;
};

// Stuck-at faults, fixed per chip instance: SA0 holds the lowest conductance, SA1 the highest.
struct StuckAt {
  double sa0_rate = 0, sa1_rate = 0;
  static void declare(config::SectionSpec& spec, double sa0, double sa1, const std::string& source);
  static StuckAt from(const config::Params& p);
  // Overwrites the stuck devices of `g` with g_low (SA0) or g_high (SA1); returns which are stuck
  // (empty when both rates are 0).
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> apply(Eigen::MatrixXf& g, const ArrayKey& key, float g_low,
                                                           float g_high) const;
};

// Adds per-read Gaussian noise of std-dev `sigma_us` per device, in quadrature with any already
// there.
void add_read_sigma(ArrayDevices& devices, const Eigen::MatrixXf& sigma_us);

// Noise that builds up between programming and the inference time (1/f noise of PCM and HfOx):
// the fits give its spread at time t. `once`: each device's conductance at t is drawn once per
// chip instance and every read sees it (the fits' semantics: 1/f noise is dominated by its
// lowest frequencies, so reads within one inference window see nearly the same value);
// `every_read`: the same σ becomes independent noise on every read (a pessimistic bound).
enum class NoiseDraw { Once, EveryRead };
void declare_noise_draw(config::SectionSpec& spec, const std::string& key, const std::string& what);
NoiseDraw noise_draw_from(const config::Params& p, const std::string& key);
// Applies noise of std-dev `sigma_us` per device as `draw` says; a once-drawn value is clipped
// at 0 µS.
void apply_time_noise(ArrayDevices& devices, const Eigen::MatrixXf& sigma_us, NoiseDraw draw, const ArrayKey& key);

// The temperature a model's fitted numbers hold at (key temperature_ref_k, 300 K by default: room
// temperature, where the fits were measured); the run's temperature (ArrayKey::temperature_k)
// moves the effects with published temperature dependences away from them.
void declare_reference_temperature(config::SectionSpec& spec, const std::string& what);

// sqrt(ln((t + t_read)/(2·t_read))): the spread of 1/f noise accumulated from 2·t_read to t (the
// form of Nandakumar et al., ICECS 2019); 0 while t is under t_read (nothing accumulated yet).
double accumulated_noise_factor(double t_s, double t_read_s);

}  // namespace cimsim::models
