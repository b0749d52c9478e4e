#include "sim/mapping/duplication.hpp"

#include <algorithm>
#include <string>

namespace cimsim::mapping {

namespace {

// A layer that can hold copies: arrays of its own, programmed with the chip.
bool duplicable(const LayerMap& lm) {
  return lm.kind == LayerMap::Kind::Matrix && !lm.arrays.empty() && lm.array_source < 0 && !lm.written;
}

// Cycles one sample of the layer takes on one copy, counting reads only: vectors × input slices ×
// row groups of its slowest array × the read time (conversions overlap the next read).
double compute_cycles(const ChipMap& chip, const LayerMap& lm) {
  int groups = 1;
  for (int ai : lm.arrays) groups = std::max(groups, chip.arrays[static_cast<std::size_t>(ai)].sub_reads(chip.arch));
  return static_cast<double>(lm.vectors_per_sample) * static_cast<double>(lm.input_slices.size()) * groups *
         static_cast<double>(std::max<long long>(1, chip.arch.read_cycles()));
}

// Cycles the interconnect takes to bring one sample's input to one copy of the layer: a
// convolution's input pixels (all their channels) one transfer each, a whole vector otherwise.
double transfer_cycles(const ChipMap& chip, const LayerMap& lm) {
  const Architecture& a = chip.arch;
  const std::int64_t width = a.interconnect == Interconnect::Mesh ? a.mesh_link_width_bits : a.bus_width_bits;
  const bool pixels = lm.conv.in_h > 0 && lm.conv.in_w > 0 && lm.conv.in_channels > 0;
  const std::int64_t units = pixels ? std::int64_t{lm.conv.in_h} * lm.conv.in_w : lm.vectors_per_sample;
  const std::int64_t bits = static_cast<std::int64_t>(pixels ? lm.conv.in_channels : lm.in) * lm.activation_bits;
  return static_cast<double>(units * ((bits + width - 1) / width));
}

// The chip's time per sample by the same estimate: pipelined, its slowest stage, the layers'
// reads per copy or the interconnect carrying every copy's inputs (on a bus all of them share it;
// on a mesh each layer's stream has a link); layer_serial, the sum over layers of the longer of
// the two.
double estimated_cycles(const ChipMap& chip, const std::vector<int>& copies) {
  const bool pipelined = chip.arch.schedule == Schedule::Pipelined;
  const bool bus = chip.arch.interconnect == Interconnect::Bus;
  double slowest = 0, shared = 0, serial = 0;
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    const LayerMap& lm = chip.layers[l];
    if (!duplicable(lm)) continue;
    const double compute = compute_cycles(chip, lm) / copies[l];
    const double transfer = transfer_cycles(chip, lm) * copies[l];
    slowest = std::max(slowest, bus ? compute : std::max(compute, transfer));
    shared += transfer;
    serial += std::max(compute, transfer);
  }
  if (!pipelined) return serial;
  return bus ? std::max(slowest, shared) : slowest;
}

}  // namespace

int tiles_needed(const ChipMap& chip, const std::vector<int>& copies) {
  std::int64_t packed = 0;
  int fresh = 0;
  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    const LayerMap& lm = chip.layers[l];
    if (lm.arrays.empty() || lm.array_source >= 0) continue;
    const std::int64_t n = static_cast<std::int64_t>(lm.arrays.size()) * copies[l];
    packed += n;
    fresh += chip.arch.tiles_for(n);
  }
  return chip.arch.schedule == Schedule::Pipelined ? fresh : chip.arch.tiles_for(packed);
}

void duplicate_layers(ChipMap& chip) {
  const Architecture& arch = chip.arch;
  for (const LayerMap& lm : chip.layers)
    if (lm.copies > 1) return;  // already duplicated

  std::vector<int> copies(chip.layers.size(), 1);
  std::vector<bool> fixed(chip.layers.size(), false);
  for (std::size_t l = 0; l < chip.layers.size(); ++l)
    if (duplicable(chip.layers[l]) && !arch.copies_auto) copies[l] = arch.copies;
  for (const auto& entry : arch.mapping_params.keyed("layers")) {
    if (!entry.second.has("copies")) continue;
    const auto it = std::find_if(chip.layers.begin(), chip.layers.end(),
                                 [&](const LayerMap& lm) { return lm.name == entry.first; });
    if (it == chip.layers.end() || it->kind != LayerMap::Kind::Matrix)
      entry.second.fail_section("names no matrix layer of the network");
    const auto n = static_cast<int>(entry.second.integer("copies"));
    if (!duplicable(*it) && n > 1)
      entry.second.fail("copies", it->written ? "layer '" + it->name + "' is rewritten per input; it has one copy"
                                              : "layer '" + it->name + "' reads the arrays of an earlier step; it has "
                                                                         "none of its own to copy");
    const auto l = static_cast<std::size_t>(it - chip.layers.begin());
    copies[l] = n;
    fixed[l] = true;
  }

  if (arch.copies_auto) {
    if (arch.tiles_auto)
      arch.mapping_params.fail("copies", "auto balances the layers within the tile budget, and chip.tiles is auto; "
                                         "give chip.tiles a number, or mapping.copies one");
    // The layer with the most reads per sample per copy takes one more copy while that does not
    // make the estimated time per sample longer and the network fits. When it cannot, a pipeline
    // stops (its slowest stage sets the pace), and layer_serial goes on with the next layer (each
    // layer's time adds to the whole).
    const bool pipelined = arch.schedule == Schedule::Pipelined;
    std::vector<bool> settled(chip.layers.size(), false);
    for (;;) {
      std::size_t slowest = chip.layers.size();
      double most = -1;
      for (std::size_t l = 0; l < chip.layers.size(); ++l) {
        if (!duplicable(chip.layers[l]) || settled[l]) continue;
        const double load = compute_cycles(chip, chip.layers[l]) / copies[l];
        if (load > most) {
          most = load;
          slowest = l;
        }
      }
      if (slowest == chip.layers.size()) break;
      bool more = !fixed[slowest] && copies[slowest] < chip.layers[slowest].vectors_per_sample;
      if (more) {
        const double before = estimated_cycles(chip, copies);
        ++copies[slowest];
        if (tiles_needed(chip, copies) > arch.tiles || estimated_cycles(chip, copies) > before) {
          --copies[slowest];
          more = false;
        }
      }
      if (more) continue;
      if (pipelined) break;
      settled[slowest] = true;
    }
  }

  for (std::size_t l = 0; l < chip.layers.size(); ++l) {
    LayerMap& lm = chip.layers[l];
    lm.copies = copies[l];
    for (int k = 1; k < lm.copies; ++k)
      for (const int ai : lm.arrays) {
        ArrayMap a = chip.arrays[static_cast<std::size_t>(ai)];
        a.copy = k;
        lm.copy_arrays.push_back(static_cast<int>(chip.arrays.size()));
        chip.arrays.push_back(std::move(a));
      }
  }
}

}  // namespace cimsim::mapping
