"""Per-layer outputs from Python. With ideal cells and a lossless ADC (full scale `max`, enough
bits) the products the arrays deliver are exactly W.q, computed here by numpy from the weight and
input codes (DESIGN's invariant, through the bit slicing, conversion and shift-add); the float
outputs follow from them by the layer's scales and bias; with noisy cells they do not."""

import unittest

import numpy as np

import cimsim
import support

IDEAL = {"cell": {"model": "ideal"}, "adc.full_scale": "max", "adc.bits": 10, "workload.samples": 40}


def exact_products(layer):
    """W.q in int64, (samples, vectors, out), from the recorded codes."""
    q = layer.input_codes.astype(np.int64)
    return np.einsum("svi,oi->svo", q, layer.weights.astype(np.int64))


class OutputsTest(unittest.TestCase):
    def check_exact(self, result):
        lossless = result.report["mapping"]["lossless_adc_bits"]["value"]
        self.assertLessEqual(lossless, 10, "the ADC must be lossless for this test")
        arrays = [o for o in result.outputs.values() if o.on_arrays]
        self.assertTrue(arrays)
        for layer in arrays:
            self.assertTrue(layer.integral)
            self.assertEqual(layer.products_per_vector.dtype, np.int64)
            expected = exact_products(layer)
            self.assertGreater(np.abs(expected).max(), 1000, layer.name)  # real products, not zeros
            np.testing.assert_array_equal(layer.products_per_vector, expected, err_msg=layer.name)
        return arrays

    def test_dense_layers_compute_w_x_exactly(self):
        result = cimsim.run(support.DEFAULT, IDEAL, outputs=True, input_codes=True, progress=False)
        arrays = self.check_exact(result)
        self.assertEqual(len(arrays), 2)
        # Floats come from the products by the scales and the bias, then the activation.
        for layer in arrays:
            scale = layer.weight_scale * layer.input_scale
            row_sums = layer.weights.astype(np.int64).sum(axis=1)
            acc = layer.products.astype(np.float64) - layer.input_zero_point * row_sums
            y = (scale * acc + layer.bias.astype(np.float64)).astype(np.float32)
            if layer.activation == "relu":
                y = np.maximum(y, np.float32(0))
            np.testing.assert_array_equal(layer.values, y, err_msg=layer.name)
        # The logits are the last layer's outputs, and their argmax gives the reported accuracy.
        logits = result.logits
        self.assertEqual(logits.shape, (40, 10))
        self.assertEqual(np.mean(result.predictions == result.labels), result.accuracy)
        self.assertFalse(logits.flags.writeable)

    def test_convolutions_compute_w_x_exactly(self):
        result = cimsim.run(support.DIGITS_CNN, {**IDEAL, "workload.samples": 6}, outputs=True, input_codes=True,
                            progress=False)
        arrays = self.check_exact(result)
        conv = [o for o in arrays if o.op == "conv"][0]
        n, out, h, w = conv.products.shape
        self.assertEqual((n, out, h, w), (6,) + conv.shape)
        # The (samples, out, height, width) view is the per-vector array, pixel by pixel.
        np.testing.assert_array_equal(conv.products[:, :, 1, 2], conv.products_per_vector[:, 1 * w + 2, :])

    def test_noisy_cells_are_not_exact(self):
        result = cimsim.run(support.DEFAULT, {"workload.samples": 20, "adc.full_scale": "max", "adc.bits": 10},
                            outputs=True, input_codes=True, progress=False)
        first = [o for o in result.outputs.values() if o.on_arrays][0]
        differ = np.mean(first.products_per_vector != exact_products(first))
        self.assertGreater(differ, 0.1)

    def test_outputs_of_another_chip_instance(self):
        sets = {"workload.samples": 20, "run.chip_instances": 3}
        a = cimsim.run(support.DEFAULT, sets, outputs=True, instance=0, progress=False)
        b = cimsim.run(support.DEFAULT, sets, outputs=True, instance=2, progress=False)
        self.assertEqual(b.outputs_instance, 2)
        self.assertEqual(a.report_json, b.report_json)  # recording changes nothing in the report
        self.assertFalse(np.array_equal(a.logits, b.logits))
        with self.assertRaises(cimsim.ConfigError) as caught:
            cimsim.run(support.DEFAULT, sets, outputs=True, instance=3, progress=False)
        self.assertEqual(caught.exception.key, "run.chip_instances")


if __name__ == "__main__":
    support.main()
