"""PyTorch in one call: cimsim.evaluate exports a module to ONNX in memory, runs it, and its outputs
agree with PyTorch's layer by layer (the docs/python.md example, as a test): the float network's
accuracy exactly, every layer on ideal cells with a lossless ADC within 8-bit quantization error."""

import os
import unittest

import numpy as np

import support


def digits():
    folder = os.path.join(support.SOURCE, "traces", "digits_mlp")
    x = np.load(os.path.join(folder, "test_inputs.npy")).astype(np.float32)
    y = np.load(os.path.join(folder, "test_labels.npy")).astype(np.int64)
    return x, y


class TorchTest(unittest.TestCase):
    def test_layers_agree_with_pytorch(self):
        import torch
        import cimsim

        class Mlp(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.fc1 = torch.nn.Linear(64, 48)
                self.fc2 = torch.nn.Linear(48, 10)

            def forward(self, x):
                return self.fc2(torch.relu(self.fc1(x)))

        torch.manual_seed(0)
        model = Mlp()
        x, y = digits()
        # A few steps of training so that accuracies mean something.
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(60):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y)).backward()
            opt.step()

        ev = cimsim.evaluate(model, torch.from_numpy(x[:1]), support.DEFAULT, data=(x, y),
                             sets={"cell": {"model": "ideal"}, "adc.full_scale": "max", "adc.bits": 10},
                             progress=False)
        self.assertTrue(ev.onnx.startswith(b"\x08"))  # an ONNX ModelProto (ir_version first)

        # PyTorch's outputs of every module, through forward hooks.
        seen = {}
        hooks = [m.register_forward_hook(lambda mod, inp, out, name=name: seen.__setitem__(name, out.detach().numpy()))
                 for name, m in model.named_modules() if name]
        with torch.no_grad():
            logits = model(torch.from_numpy(x)).numpy()
        for h in hooks:
            h.remove()
        self.assertEqual(ev.float_accuracy, np.mean(logits.argmax(axis=1) == y))
        self.assertGreater(ev.float_accuracy, 0.8)

        arrays = [o for o in ev.outputs.values() if o.on_arrays]
        self.assertEqual([ev.module_of(o.name) for o in arrays], ["fc1", "fc2"])
        for layer in arrays:
            ref = seen[ev.module_of(layer.name)]
            if layer.activation == "relu":
                ref = np.maximum(ref, 0)
            err = np.abs(layer.values - ref).max() / np.abs(ref).max()
            self.assertLess(err, 0.03, layer.name)  # 8-bit weights and activations
        self.assertGreater(np.mean(ev.predictions == logits.argmax(axis=1)), 0.97)
        self.assertEqual(ev.accuracy, np.mean(ev.predictions == y))
        self.assertGreater(ev.report["energy"]["per_inference"]["value"], 0)

    def test_a_convolution_and_a_data_loader(self):
        import torch
        import cimsim

        class Cnn(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
                self.fc = torch.nn.Linear(4 * 8 * 8, 10)

            def forward(self, x):
                return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))

        torch.manual_seed(1)
        model = Cnn().eval()
        x, y = digits()
        images = torch.from_numpy(x[:40].reshape(-1, 1, 8, 8))
        loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, torch.from_numpy(y[:40])),
                                             batch_size=16)
        ev = cimsim.evaluate(model, images[:1], support.DEFAULT, data=loader,
                             sets={"cell": {"model": "ideal"}, "adc.full_scale": "max", "adc.bits": 10},
                             progress=False)
        with torch.no_grad():
            conv = torch.relu(model.conv(images)).numpy()
            logits = model(images).numpy()
        layer = [o for o in ev.outputs.values() if o.op == "conv"][0]
        self.assertEqual(ev.module_of(layer.name), "conv")
        self.assertEqual(layer.values.shape, conv.shape)  # (samples, channels, height, width), as PyTorch
        self.assertLess(np.abs(layer.values - conv).max() / np.abs(conv).max(), 0.03)
        self.assertEqual(layer.products.shape, conv.shape)
        self.assertLess(np.abs(ev.logits - logits).max() / np.abs(logits).max(), 0.05)
        self.assertEqual(list(ev.labels), list(y[:40]))


if __name__ == "__main__":
    support.main("torch", "onnx")
