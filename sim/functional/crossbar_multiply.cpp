// How a layer's vectors reach its programmed row blocks: in passes when the memory budget dropped
// blocks, and split among the copies of its weights (mapping.copies).

#include <algorithm>

#include "sim/functional/crossbar.hpp"
#include "sim/util/parallel.hpp"

namespace cimsim::functional {

Eigen::MatrixXd CrossbarBackend::multiply(const workload::QuantLayer& q, const Eigen::MatrixXi& codes,
                                          std::int64_t first_vector) {
  const auto lm_index = static_cast<std::size_t>(chip_.find_layer(q.layer) - chip_.layers.data());
  const ProgrammedLayer& pl = programmed_.layers[lm_index];
  // Kept blocks are read in one pass. When the memory budget dropped some, the passes go over the
  // blocks one per thread, each programmed again here and let go before the next pass, so a call
  // holds no more than that many beyond the budget. Every layer has a block (the mapping keeps each
  // column block's first row block).
  const std::size_t n_blocks = pl.blocks_per_copy();
  const std::size_t group =
      programmed_.resident(lm_index) ? n_blocks : static_cast<std::size_t>(util::resolve_threads(threads_));
  const std::size_t passes = (n_blocks + group - 1) / group;
  auto read_copy = [&](int copy, const Eigen::MatrixXi& c, std::int64_t first) {
    return run_layer(q, c, first, passes, [&, copy](std::size_t pass) {
      const std::size_t from = pass * group;
      return programmed_.row_blocks(lm_index, static_cast<std::size_t>(copy) * n_blocks + from,
                                    std::min(group, n_blocks - from), threads_);
    }, copy);
  };
  if (pl.copies == 1) return read_copy(0, codes, first_vector);
  // Copies of the weights (LayerMap::copies): vector v goes to copy v mod copies, and is that
  // copy's vector number v div copies, so that each copy's reads and draws follow its own vectors
  // whatever the batch.
  const std::int64_t copies = pl.copies, vectors = codes.cols();
  Eigen::MatrixXd y(chip_.layers[lm_index].out, vectors);
  for (int copy = 0; copy < pl.copies; ++copy) {
    const std::int64_t v0 = ((copy - first_vector) % copies + copies) % copies;  // its first column
    if (v0 >= vectors) continue;
    const Eigen::Index n = static_cast<Eigen::Index>((vectors - v0 + copies - 1) / copies);
    Eigen::MatrixXi own(codes.rows(), n);
    for (Eigen::Index i = 0; i < n; ++i) own.col(i) = codes.col(static_cast<Eigen::Index>(v0 + i * copies));
    const Eigen::MatrixXd yk = read_copy(copy, own, (first_vector + v0) / copies);
    for (Eigen::Index i = 0; i < n; ++i) y.col(static_cast<Eigen::Index>(v0 + i * copies)) = yk.col(i);
  }
  return y;
}

}  // namespace cimsim::functional
