"""Exports a sentence-transformers model to ONNX, once per model, for `matching.encoders`.

The encoder that needs an export runs this module in a child process

    python -m matching.onnx_export LOCATION TARGET

so torch and sentence-transformers, needed only here, never load in a web process or worker.
LOCATION is what `SentenceTransformer()` accepts (a directory or a hub name). TARGET receives
`model.onnx` (token ids in, the model's own sentence vector out: its pooling and normalisation
are part of the graph), `tokenizer.json` and `encoder.json` (the model's inputs, its token limit
and its padding token). Everything is written to a temporary directory next to TARGET and renamed
at the end, so a reader never sees half an export, and two processes exporting at once both
succeed.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

OPSET = 17


def export(location: str, target: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(location, device="cpu").eval()
    example = model.tokenize(["a short example sentence"])
    inputs = [name for name in ("input_ids", "attention_mask", "token_type_ids") if name in example]

    class SentenceVector(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(inputs, tensors, strict=True)))["sentence_embedding"]

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    # mkdtemp makes it private to this user; the export is read by others too (the image builds
    # it as root, its processes run as another user).
    work.chmod(0o755)
    try:
        dynamic: dict[str, dict[int, str]] = {name: {0: "texts", 1: "tokens"} for name in inputs}
        torch.onnx.export(
            SentenceVector(),
            tuple(example[name] for name in inputs),
            str(work / "model.onnx"),
            input_names=inputs,
            output_names=["sentence_embedding"],
            dynamic_axes={**dynamic, "sentence_embedding": {0: "texts"}},
            opset_version=OPSET,
            dynamo=False,
        )
        tokenizer = model.tokenizer
        tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
        settings = {
            "inputs": inputs,
            "max_tokens": model.max_seq_length,
            "pad_token": tokenizer.pad_token,
            "pad_id": tokenizer.pad_token_id,
        }
        (work / "encoder.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
        try:
            work.rename(target)
        except OSError:
            if not (target / "encoder.json").exists():
                raise  # not another process's finished export: a real failure
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    export(sys.argv[1], Path(sys.argv[2]))
