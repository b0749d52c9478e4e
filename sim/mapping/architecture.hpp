#pragma once
// The chip's organisation as the config gives it: arrays, tiles, clock, buffers, interconnect,
// and how weights and inputs are cut onto arrays. Declared here (pure C++) because both engines
// and the mapper read it.

#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "sim/config/params.hpp"
#include "sim/mapping/readout_scheme.hpp"

namespace cimsim::mapping {

enum class Encoding { Differential, Offset };
enum class DifferentialReadout { Analog, Digital };
enum class GminRemoval { Digital, ReferenceColumn };
enum class Schedule { LayerSerial, Pipelined };
enum class Interconnect { Bus, Mesh };

struct Architecture {
  // array
  int rows = 128, cols = 128;
  double read_time_ns = 100, read_voltage_v = 0.2;
  int rows_per_read = 0;  // 0 = every row of the array at once
  std::optional<double> read_pulse_ns;  // rows conduct this long within a read; empty: the whole read
  // tile
  int arrays_per_tile = 8;
  double input_buffer_kib = 8, output_buffer_kib = 8;
  int buffer_width_bits = 256;
  int buffer_read_ports = 1, buffer_write_ports = 1;
  int digital_lanes = 32;
  // chip
  double clock_mhz = 1000;
  double feature_size_nm = 32;
  int tiles = 16;
  Schedule schedule = Schedule::LayerSerial;
  double global_buffer_kib = 256;
  int global_buffer_width_bits = 256;
  int bus_width_bits = 256;
  int bus_latency_cycles = 1;
  bool reprogram = false;
  Interconnect interconnect = Interconnect::Bus;
  int mesh_columns = 0;  // 0 = ceil(sqrt(tiles))
  int mesh_link_width_bits = 256;
  int mesh_hop_cycles = 5;
  // mapping
  int bits_per_cell = 2;
  Encoding encoding = Encoding::Differential;
  DifferentialReadout differential_readout = DifferentialReadout::Analog;
  GminRemoval gmin_removal = GminRemoval::Digital;
  ReadoutScheme readout;
  // mapping.activation_products: products of two activations on arrays written per input (true)
  // or in the digital unit (false).
  bool activation_products_on_arrays = false;
  // Weight duplication (mapping.copies): copies of every matrix layer's arrays, `auto` chosen
  // within the tile budget; mapping.layers.<name>.copies (read from mapping_params where the
  // copies are made, sim/mapping/duplication.cpp) overrides it per layer.
  int copies = 1;
  bool copies_auto = false;
  // Layers whose conversions resolve fewer bits than the converters are built for (adc.layers).
  std::map<std::string, int> adc_layer_bits;
  std::vector<int> adc_significance_bits;  // adc.significance_bits: per slice group, most significant first

  // Sizes given as `auto`: the mapper sets tiles to what the network needs, the timing engine's plan
  // the buffers to what its schedule needs (engine::settle_buffers); both are then plain values.
  bool tiles_auto = false, input_buffer_auto = false, output_buffer_auto = false, global_buffer_auto = false;

  // Sections, kept for errors that point at the key that made a layout impossible.
  config::Params chip_params, tile_params, array_params, mapping_params, readout_params, adc_params;

  static Architecture from(const config::Config& c);

  double cycle_ns() const { return 1000.0 / clock_mhz; }
  // Analog latencies round up to whole cycles (docs/design.md §5).
  long long cycles_of_ns(double ns) const {
    // A tolerance keeps 100 ns at 1000 MHz from becoming 101 cycles through rounding.
    return static_cast<long long>(std::ceil(ns * clock_mhz / 1000.0 - 1e-9));
  }
  long long read_cycles() const { return cycles_of_ns(read_time_ns); }
  // In 64 bits: each factor is an int from the config, their product need not be (2^20 tiles of
  // 4096 arrays; 65536 x 65536 cells).
  std::int64_t arrays_total() const { return std::int64_t{tiles} * arrays_per_tile; }
  // Tiles that hold `arrays` arrays.
  int tiles_for(std::int64_t arrays) const { return static_cast<int>((arrays + arrays_per_tile - 1) / arrays_per_tile); }
  std::int64_t cells_per_array() const { return std::int64_t{rows} * cols; }
  int mesh_row_length() const {
    return mesh_columns > 0 ? mesh_columns : static_cast<int>(std::ceil(std::sqrt(static_cast<double>(tiles)) - 1e-9));
  }
  // The G_min current of a column is removed before the ADC in these cases.
  bool analog_pairs() const {
    return encoding == Encoding::Differential && differential_readout == DifferentialReadout::Analog;
  }
  bool uses_reference_column() const { return !analog_pairs() && gmin_removal == GminRemoval::ReferenceColumn; }
};

const char* encoding_name(Encoding e);

}  // namespace cimsim::mapping
