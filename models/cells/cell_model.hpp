#pragma once
// What a cell model is: how target conductances become the conductances a read sees on one chip
// instance at the inference time, and what the cell costs. Pure C++ and Eigen; the engines call
// it, it never calls them.

#include <Eigen/Dense>

#include <cstdint>
#include <memory>

#include "sim/config/registry.hpp"

namespace cimsim::models {

// Identifies one array of one chip instance. Every random draw of a device comes from a stream
// keyed by these and indexed by the device position, so it is the same in any evaluation order.
struct ArrayKey {
  std::uint64_t seed = 0;
  std::uint32_t instance = 0;
  std::uint32_t layer = 0;
  std::uint32_t array = 0;
};

// One array's devices as reads see them at the inference time.
struct ArrayDevices {
  Eigen::MatrixXf g_us;           // mean conductance per device (rows × columns), µS
  Eigen::MatrixXf read_sigma_us;  // per-read noise std-dev per device, µS; empty = noiseless
};

// Programming one cell to a target conductance (program-and-verify): pulses, energy and time.
// `characterised` is false for models that carry no write data; reports then say so rather than
// count zero.
struct WriteCost {
  bool characterised = false;
  double pulses = 0;
  double energy_pj = 0;
  double time_ns = 0;
};

class CellModel {
 public:
  virtual ~CellModel() = default;

  // The conductance range weights are mapped onto (DESIGN §4: G = G_min + d·ΔG).
  virtual double g_min_us() const = 0;
  virtual double g_max_us() const = 0;
  // Largest bits_per_cell the device supports (levels it can be programmed to reliably).
  virtual int max_bits_per_cell() const = 0;

  // Programs one array: target conductances in, conductances at `t_inference_s` out. Draws that
  // happen once per chip instance (programming error, device spread, drift exponents, faults)
  // are made here from streams keyed by `key`.
  virtual ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey& key,
                               double t_inference_s) const = 0;

  // Cell footprint in F² (multiplied by the feature size squared for area).
  virtual double area_f2() const = 0;

  // Cost of programming one cell to `target_us`.
  virtual WriteCost write_cost(double target_us) const {
    (void)target_us;
    return {};
  }
  // Writes a cell endures before it wears out; 0 when not characterised.
  virtual double endurance_writes() const { return 0; }
};

using CellRegistry = config::Registry<CellModel>;

// Declares g_min_us and g_max_us with a model's defaults; every model that maps levels linearly
// onto a conductance window uses the same two keys.
void declare_conductance_window(config::SectionSpec& spec, double g_min_us, double g_max_us,
                                const std::string& source);

// Reads the two keys back and checks g_max > g_min, failing at g_max_us otherwise.
struct ConductanceWindow {
  double g_min_us;
  double g_max_us;
  static ConductanceWindow from(const config::Params& p);
};

}  // namespace cimsim::models
