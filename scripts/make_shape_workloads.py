#!/usr/bin/python3
"""Write the shape-only workloads used for performance studies as cimsim layer lists.

Runs with Debian's python3 (standard library only):  /usr/bin/python3 scripts/make_shape_workloads.py

Each network gets traces/<name>/network.yaml. Weights are not stored: every matrix layer says
`init: {seed: N}` and cimsim draws Kaiming-normal weights (std sqrt(2 / fan_in), He et al. 2015)
from that seed, so the same file always gives the same network. Batch normalisation is folded
away (it would only rescale random weights).

- vgg8_cifar10: the VGG-8 of DNN+NeuroSim's CIFAR-10 benchmark: 3x3 convolutions with
  128-128-M-256-256-M-512-512-M channels, then dense 8192-1024 and 1024-10.
- resnet18_cifar10: ResNet-18 for 32x32 inputs (a 3x3 stem, four stages of two basic blocks with
  64, 128, 256, 512 channels, 4x4 average pooling, dense 512-10).
- resnet18_imagenet: ResNet-18 for 224x224 ImageNet inputs (He et al., CVPR 2016): 7x7/2 stem,
  3x3/2 max pooling, four stages, global average pooling, dense 512-1000.
- kws_cnn: a keyword-spotting CNN of the usual size for AON-CIM's validation (docs/validation.md;
  the paper does not list AnalogNet-KWS's layers): 49x10 MFCC input, a 3x3/2 convolution to 64
  channels, three 3x3 convolutions of 64 channels, global average pooling, dense 64-12 (14 MMAC).
"""
import os

TRACES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "traces")


class Writer:
    def __init__(self, name, input_shape, about):
        self.lines = [f"# {about}", "# Written by scripts/make_shape_workloads.py; do not edit by hand.",
                      f"name: {name}", f"input_shape: {input_shape}", "layers:"]
        self.name = name
        self.seed = 0

    def layer(self, **kv):
        fields = []
        for k, v in kv.items():
            if isinstance(v, list):
                v = "[" + ", ".join(str(x) for x in v) + "]"
            fields.append(f"{k}: {v}")
        self.lines.append("  - {" + ", ".join(fields) + "}")

    def conv(self, name, out, kernel, stride=1, padding=None, act="relu", inp=None):
        self.seed += 1
        extra = {"input": inp} if inp else {}
        self.layer(name=name, type="conv", out_channels=out, kernel=kernel, stride=stride,
                   padding=kernel // 2 if padding is None else padding, activation=act,
                   init=f"{{seed: {self.seed}}}", **extra)

    def dense(self, name, out, act="none"):
        self.seed += 1
        self.layer(name=name, type="dense", out_features=out, activation=act, init=f"{{seed: {self.seed}}}")

    def save(self):
        out = os.path.join(TRACES, self.name)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "network.yaml"), "w") as f:
            f.write("\n".join(self.lines) + "\n")


def vgg8():
    w = Writer("vgg8_cifar10", [3, 32, 32], "VGG-8 for CIFAR-10 (the DNN+NeuroSim benchmark network), shape only.")
    for i, (c, pool) in enumerate([(128, False), (128, True), (256, False), (256, True), (512, False), (512, True)]):
        w.conv(f"conv{i + 1}", c, 3)
        if pool:
            w.layer(name=f"pool{i + 1}", type="maxpool", kernel=2)
    w.dense("fc1", 1024, act="relu")
    w.dense("fc2", 10)
    w.save()


def resnet18(name, input_shape, stem, classes, about):
    w = Writer(name, input_shape, about)
    if stem == "imagenet":
        w.conv("conv1", 64, 7, stride=2, padding=3)
        w.layer(name="pool1", type="maxpool", kernel=3, stride=2, padding=1)
    else:
        w.conv("conv1", 64, 3)
    prev = "pool1" if stem == "imagenet" else "conv1"
    channels = 64
    for stage, out in enumerate([64, 128, 256, 512], start=1):
        for block in range(2):
            stride = 2 if stage > 1 and block == 0 else 1
            base = f"s{stage}b{block + 1}"
            w.conv(f"{base}_a", out, 3, stride=stride, inp=prev)
            w.conv(f"{base}_b", out, 3, act="none")
            shortcut = prev
            if stride != 1 or out != channels:
                w.conv(f"{base}_down", out, 1, stride=stride, padding=0, act="none", inp=prev)
                shortcut = f"{base}_down"
            w.layer(name=f"{base}_add", type="add", input=[f"{base}_b", shortcut], activation="relu")
            prev, channels = f"{base}_add", out
    if stem == "imagenet":
        w.layer(name="pool", type="global_avgpool")
    else:
        w.layer(name="pool", type="avgpool", kernel=4)
    w.dense("fc", classes)
    w.save()


def kws_cnn():
    w = Writer("kws_cnn", [1, 49, 10], "Keyword-spotting CNN (49x10 MFCC input, 12 classes) for AON-CIM's validation, shape only.")
    w.conv("conv1", 64, 3, stride=2)
    for i in range(2, 5):
        w.conv(f"conv{i}", 64, 3)
    w.layer(name="pool", type="global_avgpool")
    w.dense("fc", 12)
    w.save()


def main():
    vgg8()
    kws_cnn()
    resnet18("resnet18_cifar10", [3, 32, 32], "cifar", 10, "ResNet-18 for CIFAR-10 (32x32 inputs), shape only.")
    resnet18("resnet18_imagenet", [3, 224, 224], "imagenet", 1000,
             "ResNet-18 for ImageNet (224x224 inputs, He et al. 2016), shape only.")
    print("wrote", ", ".join(["vgg8_cifar10", "kws_cnn", "resnet18_cifar10", "resnet18_imagenet"]))


if __name__ == "__main__":
    main()
