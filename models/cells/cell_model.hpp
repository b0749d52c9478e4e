#pragma once
// What a cell model is: how target conductances become the conductances a read sees on one chip
// instance at the inference time, and what the cell costs. Pure C++ and Eigen; the engines call
// it, it never calls them.

#include <Eigen/Core>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/config/registry.hpp"
#include "sim/util/rng.hpp"

namespace cimsim::models {

// Identifies one array of one chip instance. Every random draw of a device comes from a stream
// keyed by these and indexed by the device position, so it is the same in any evaluation order.
struct ArrayKey {
  std::uint64_t seed = 0;
  std::uint32_t instance = 0;
  std::uint32_t layer = 0;
  std::uint32_t array = 0;
  // Corner and worst-case analyses fix the normal draws of the once-per-chip variations instead of
  // drawing them (see DrawOverride); nullptr for ordinary chip instances.
  const struct DrawOverride* override_draws = nullptr;
  // Operating temperature of the chip (run.temperature_k); models with published temperature
  // dependences use it, the rest were fitted at room temperature.
  double temperature_k = 300;
  // Which write of the array's cells this is: 0 for the chip's one programming; 1, 2, … for the
  // writes of an array rewritten per input (mapping.activation_products: arrays). The draws of a
  // write's outcome (programming error, relaxation, accumulated noise, retention flips) are keyed by
  // it; those of the device itself (device-to-device spread, stuck-at faults, drift exponents)
  // belong to the physical cell and are not.
  std::uint64_t write = 0;
};

// Which once-per-chip draws an analysis fixes, and to what: every draw to `corner` (a ±kσ corner),
// or, when `pattern` is given, device (r, c) of array a to pattern[a][r·cols + c] (a searched worst
// case; arrays with an empty entry keep their random draws). Models get this for free by drawing
// through device_stream().
struct DrawOverride {
  std::vector<rng::Purpose> purposes;
  float corner = 0;
  const std::vector<std::vector<float>>* pattern = nullptr;  // per ChipMap array; empty entry: corner
  // Set by device_stream() when it fixes a stream: an analysis whose override was never applied
  // evaluated the nominal chip (a model that draws its variations elsewhere) and must say so.
  mutable std::atomic<bool> applied{false};
  bool applies(rng::Purpose p) const;
};

// The stream of one kind of once-per-instance draw (programming error, device spread, drift
// exponent, relaxation, accumulated noise) for one array; element index: row·cols + col. Models,
// plug-ins included, draw these through it so that corners and the worst-case search can fix them.
rng::Stream device_stream(const ArrayKey& key, rng::Purpose purpose);

// One array's devices as reads see them at the inference time. Every matrix is rows × columns
// of the array. The optional parts are empty when the model has no such effect; an engine that
// meets a non-empty one it does not apply must refuse the run rather than ignore it.
struct ArrayDevices {
  Eigen::MatrixXf g_us;           // mean conductance per device, µS
  Eigen::MatrixXf read_sigma_us;  // per-read noise std-dev per device, µS; empty = noiseless

  // I–V non-linearity. A device driven at V volts carries I = G·V + nl2·V² + nl3·V³ µA, so a
  // column's current is three matrix products: G·V + NL2·V² + NL3·V³ with V, V², V³ taken per
  // row. Units: µA/V² and µA/V³. Empty = linear devices.
  Eigen::MatrixXf iv_nl2_ua_per_v2;
  Eigen::MatrixXf iv_nl3_ua_per_v3;

  // Read disturb. Each read of the device's row flips it, with probability
  // disturb_probability(r, c), to disturbed_g_us(r, c), where it stays. read_disturb_events()
  // turns these into the read at which each device flips. Empty = no read disturb.
  Eigen::MatrixXf disturb_probability;
  Eigen::MatrixXf disturbed_g_us;
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

  // The conductance range weights are mapped onto (docs/design.md §4: G = G_min + d·ΔG).
  virtual double g_min_us() const = 0;
  virtual double g_max_us() const = 0;
  // Largest bits_per_cell the device supports (levels it can be programmed to reliably).
  virtual int max_bits_per_cell() const = 0;

  // Programs one array: target conductances in, conductances at `t_inference_s` out. Draws that
  // happen once per chip instance (programming error, device spread, drift exponents, faults)
  // are made here from streams keyed by `key`; they do not depend on `t_inference_s`, so calling
  // again with another time gives the same devices at that other time (drift compensation reads
  // a chip at a reference time and at the inference time this way).
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
  // Shortest read the device supports, ns (an array read cannot settle faster); 0 when not
  // characterised.
  virtual double read_latency_ns() const { return 0; }
  // Column current above which a read is flagged (sense range, wire limits), µA; 0 = no limit.
  virtual double column_current_limit_ua() const { return 0; }
  // Whether a column's current saturates at that limit (the sense circuit clips it) instead of
  // being only flagged.
  virtual bool clips_column_current() const { return false; }
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

// A device that flips by read disturb, and the first read that sees it flipped.
struct DisturbEvent {
  Eigen::Index row = 0, col = 0;
  // 0-based index, among the reads of the device's row group in sample order (sample, input
  // slice, row group), of the first read that sees disturbed_g_us; earlier reads see g_us.
  std::uint64_t first_read = 0;
  float g_us = 0;
};

// The devices of one array that flip within their first `reads` reads, in row-major order. The
// read at which a device flips is geometric in disturb_probability, drawn once per device from a
// stream keyed by `key`: the same events for any evaluation order or thread count.
std::vector<DisturbEvent> read_disturb_events(const ArrayDevices& devices, const ArrayKey& key,
                                              std::uint64_t reads);

// Columns whose current exceeds `limit_ua` when every row of a read is driven at
// `read_voltage_v` (the largest current a read can draw), checked for each group of
// `rows_per_read` rows (0 = all rows at once). Counts the non-linear terms where present.
int columns_over_current_limit(const ArrayDevices& devices, double read_voltage_v, int rows_per_read,
                               double limit_ua);

}  // namespace cimsim::models
