#include "sim/mapping/architecture.hpp"

#include "sim/config/schema.hpp"

namespace cimsim::mapping {

namespace {

config::SectionSpec array_section() {
  config::SectionSpec s("array", "One crossbar: size, read voltage and read time");
  s.order(50);
  s.integer("rows", 128, "rows", "Word lines (inputs) per array").range(1, 65536);
  s.integer("cols", 128, "columns", "Bit lines (outputs) per array").range(1, 65536);
  s.real("read_time_ns", 100, "ns", "Time the DACs drive the rows until the column currents settle (ISAAC: 100 ns)")
      .above(0);
  s.real("read_voltage_v", 0.2, "V", "Word-line voltage of the top input level").above(0).at_most(5);
  s.integer("rows_per_read", 0, "rows", "Rows active in one read; 0 = all rows of the array").range(0, 65536);
  s.real("read_pulse_ns", 0, "ns",
         "How long the rows conduct within a read (a read pulse shorter than the integration step): cell and driver "
         "energy follow the pulse, the read still takes read_time_ns; auto: the whole read")
      .above(0)
      .or_auto(true);
  return s;
}

config::SectionSpec tile_section() {
  config::SectionSpec s("tile", "A tile: arrays with their DACs and ADCs, buffers and digital units");
  s.order(45);
  s.integer("arrays", 8, "arrays", "Arrays per tile (ISAAC: 8 per IMA)").range(1, 4096);
  s.real("input_buffer_kib", 8, "KiB",
         "Input buffer capacity; auto: twice the largest input window a layer on the tile needs at once, and when "
         "pipelined twice what a join (a residual add) must hold while its other branch catches up")
      .above(0)
      .or_auto(true);
  s.real("output_buffer_kib", 8, "KiB", "Output buffer capacity; auto: two output units of the largest layer")
      .above(0)
      .or_auto(true);
  s.integer("buffer_width_bits", 256, "bit", "Width of one buffer port per cycle").range(1, 1 << 20);
  s.integer("buffer_read_ports", 1, "ports", "Read ports of the input buffer, shared by the tile's arrays").range(1, 64);
  s.integer("buffer_write_ports", 1, "ports", "Write ports of the output buffer").range(1, 64);
  s.integer("digital_lanes", 32, "ops/cycle",
            "Lanes of the tile's digital unit (pooling, residual add, requantize of digital layers), one operation "
            "per lane per cycle; 32 lanes take one 256-bit buffer word of 8-bit values per cycle")
      .range(1, 1 << 16);
  return s;
}

config::SectionSpec chip_section() {
  config::SectionSpec s("chip", "The chip: clock, technology, tiles, global buffer, interconnect, schedule");
  s.order(40);
  s.real("clock_mhz", 1000, "MHz", "Digital clock; analog latencies round up to whole cycles").above(0);
  s.real("feature_size_nm", 32, "nm", "Technology feature size F (cell areas are given in F^2)").above(0);
  s.integer("tiles", 16, "tiles", "Tiles on the chip; auto: as many as the network needs").range(1, 1 << 20).or_auto(true);
  s.choice("schedule", "layer_serial", {"layer_serial", "pipelined"},
           "layer_serial: one layer at a time, weights stay in their arrays, activations ping-pong through the "
           "global buffer (AON-CIM); pipelined: every layer on its own tiles, all at once, each starting as soon "
           "as enough of its input exists (ISAAC)");
  s.boolean("reprogram", false,
            "When the network needs more arrays than the chip has: false refuses it; true (layer_serial only) "
            "runs it in rounds of layers that fit, reprogramming the arrays between rounds");
  s.real("global_buffer_kib", 256, "KiB",
         "Global activation buffer (ping and pong halves together); auto: the most activations the schedule holds "
         "at once")
      .above(0)
      .or_auto(true);
  s.integer("global_buffer_width_bits", 256, "bit", "Global buffer port width per cycle").range(1, 1 << 20);
  s.integer("bus_width_bits", 256, "bit", "Shared bus width per cycle").range(1, 1 << 20);
  s.integer("bus_latency_cycles", 1, "cycle", "Cycles from grant to first bit arriving").range(0, 1 << 20);
  s.choice("interconnect", "bus", {"bus", "mesh"},
           "bus: one shared bus between the global buffer and every tile; mesh: a 2-D mesh of routers, one per "
           "tile, XY routing, the global buffer attached to the router of tile 0");
  s.integer("mesh_columns", 0, "tiles", "Routers per mesh row; 0 = ceil(sqrt(tiles))").range(0, 1 << 16);
  // ISAAC moves 256-bit flits between its routers (20.74 pJ per 256-bit transfer, Shafiee et al., ISCA 2016).
  s.integer("mesh_link_width_bits", 256, "bit", "Bits a mesh link carries per cycle (ISAAC: 256-bit transfers)")
      .range(1, 1 << 20);
  // Dally & Towles, Principles and Practices of Interconnection Networks (2004): a virtual-channel router
  // pipeline of four stages (route, VC allocation, switch allocation, switch traversal) plus a link cycle.
  s.integer("mesh_hop_cycles", 5, "cycle",
            "Cycles a packet's head takes per hop: router pipeline plus link (Dally & Towles 2004: 4 stages + 1)")
      .range(1, 1 << 16);
  return s;
}

config::SectionSpec mapping_section() {
  config::SectionSpec s("mapping", "How weights and inputs are cut onto arrays (docs/design.md §4)");
  s.order(30);
  s.integer("bits_per_cell", 2, "bit", "Bits of weight magnitude per cell (digit range 0..2^b-1)").range(1, 8);
  s.choice("encoding", "differential", {"differential", "offset"},
           "differential: W+ and W- columns per slice; offset: W + 2^(wb-1) stored unsigned");
  s.choice("differential_readout", "analog", {"analog", "digital"},
           "analog: the ADC converts I+ - I-; digital: each column converted and subtracted after");
  s.choice("gmin_removal", "digital", {"digital", "reference_column"},
           "Removal of the G_min current where pairs do not cancel it: digitally from the input sum, or by "
           "subtracting a reference column of G_min cells in analog");
  s.choice("activation_products", "digital", {"digital", "arrays"},
           "MatMul of two computed tensors (attention's Q*K^T and P*V): digital: in the tile's digital unit; arrays: "
           "for every input the second operand is quantized to weights and written into arrays (write energy and "
           "time counted, the cell must have write costs), and the first operand's rows are read through them "
           "(docs/semantics.md)");
  s.integer("copies", 1, "copies",
            "Weight duplication: copies of every matrix layer's arrays, each programmed with the layer's weights "
            "and computing every copies-th output unit, so that the copies work side by side (more arrays, tiles, "
            "area and programming; inputs sent to every copy); auto: within the tile budget (chip.tiles), the "
            "slowest layer takes one more copy while the network fits and the estimated time falls (docs/timing.md)")
      .range(1, 4096)
      .or_auto();
  config::SectionSpec per_layer("layer", "Per-layer mapping");
  per_layer.integer("copies", 1, "copies", "Copies of this layer's arrays; overrides mapping.copies").range(1, 4096);
  s.keyed("layers", per_layer, "Per-layer weight duplication, e.g. layers: {conv1: {copies: 4}}");
  return s;
}

const config::SectionRegistrar r1(array_section);
const config::SectionRegistrar r2(tile_section);
const config::SectionRegistrar r3(chip_section);
const config::SectionRegistrar r4(mapping_section);

}  // namespace

Architecture Architecture::from(const config::Config& c) {
  Architecture a;
  a.array_params = c.section("array");
  a.tile_params = c.section("tile");
  a.chip_params = c.section("chip");
  a.mapping_params = c.section("mapping");
  const auto& ar = a.array_params;
  const auto& ti = a.tile_params;
  const auto& ch = a.chip_params;
  const auto& mp = a.mapping_params;
  a.rows = static_cast<int>(ar.integer("rows"));
  a.cols = static_cast<int>(ar.integer("cols"));
  a.read_time_ns = ar.real("read_time_ns");
  a.read_voltage_v = ar.real("read_voltage_v");
  a.rows_per_read = static_cast<int>(ar.integer("rows_per_read"));
  if (a.rows_per_read > a.rows) ar.fail("rows_per_read", "exceeds the array's rows (" + std::to_string(a.rows) + ")");
  if (!ar.is_auto("read_pulse_ns")) {
    a.read_pulse_ns = ar.real("read_pulse_ns");
    if (*a.read_pulse_ns > a.read_time_ns)
      ar.fail("read_pulse_ns", "is longer than the read it lies in (read_time_ns " + config::format_value(a.read_time_ns) +
                                   " ns)");
  }
  a.arrays_per_tile = static_cast<int>(ti.integer("arrays"));
  a.input_buffer_auto = ti.is_auto("input_buffer_kib");
  a.output_buffer_auto = ti.is_auto("output_buffer_kib");
  if (!a.input_buffer_auto) a.input_buffer_kib = ti.real("input_buffer_kib");
  if (!a.output_buffer_auto) a.output_buffer_kib = ti.real("output_buffer_kib");
  a.buffer_width_bits = static_cast<int>(ti.integer("buffer_width_bits"));
  a.buffer_read_ports = static_cast<int>(ti.integer("buffer_read_ports"));
  a.buffer_write_ports = static_cast<int>(ti.integer("buffer_write_ports"));
  a.digital_lanes = static_cast<int>(ti.integer("digital_lanes"));
  a.clock_mhz = ch.real("clock_mhz");
  a.feature_size_nm = ch.real("feature_size_nm");
  a.tiles_auto = ch.is_auto("tiles");
  if (!a.tiles_auto) a.tiles = static_cast<int>(ch.integer("tiles"));
  a.global_buffer_auto = ch.is_auto("global_buffer_kib");
  if (!a.global_buffer_auto) a.global_buffer_kib = ch.real("global_buffer_kib");
  a.global_buffer_width_bits = static_cast<int>(ch.integer("global_buffer_width_bits"));
  a.bus_width_bits = static_cast<int>(ch.integer("bus_width_bits"));
  a.bus_latency_cycles = static_cast<int>(ch.integer("bus_latency_cycles"));
  a.schedule = ch.text("schedule") == "pipelined" ? Schedule::Pipelined : Schedule::LayerSerial;
  a.reprogram = ch.flag("reprogram");
  if (a.reprogram && a.schedule == Schedule::Pipelined)
    ch.fail("reprogram", "pipelined keeps every layer in its own arrays; reprogramming needs schedule: layer_serial");
  a.interconnect = ch.text("interconnect") == "mesh" ? Interconnect::Mesh : Interconnect::Bus;
  a.mesh_columns = static_cast<int>(ch.integer("mesh_columns"));
  a.mesh_link_width_bits = static_cast<int>(ch.integer("mesh_link_width_bits"));
  a.mesh_hop_cycles = static_cast<int>(ch.integer("mesh_hop_cycles"));
  a.bits_per_cell = static_cast<int>(mp.integer("bits_per_cell"));
  a.encoding = mp.text("encoding") == "offset" ? Encoding::Offset : Encoding::Differential;
  a.differential_readout =
      mp.text("differential_readout") == "digital" ? DifferentialReadout::Digital : DifferentialReadout::Analog;
  a.gmin_removal = mp.text("gmin_removal") == "reference_column" ? GminRemoval::ReferenceColumn : GminRemoval::Digital;
  a.activation_products_on_arrays = mp.text("activation_products") == "arrays";
  a.copies_auto = mp.is_auto("copies");
  if (!a.copies_auto) a.copies = static_cast<int>(mp.integer("copies"));
  a.readout_params = c.section("readout");
  a.readout = ReadoutScheme::from(a.readout_params);
  a.adc_params = c.section("adc");
  for (const auto& [name, layer] : a.adc_params.keyed("layers"))
    if (layer.has("bits")) a.adc_layer_bits[name] = static_cast<int>(layer.integer("bits"));
  for (const std::int64_t b : a.adc_params.integers("significance_bits")) a.adc_significance_bits.push_back(static_cast<int>(b));
  if (a.readout.resistance() && a.adc_params.text("full_scale") == "fixed")
    a.readout_params.fail("summation", "resistance summation reads a voltage: adc.full_scale: fixed (a current) does "
                                       "not apply; use max or calibrated");
  return a;
}

const char* encoding_name(Encoding e) { return e == Encoding::Offset ? "offset" : "differential"; }

}  // namespace cimsim::mapping
