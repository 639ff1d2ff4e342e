"""The one place that imports the official SAM 2 code (facebookresearch/sam2).

The official package is NOT part of this repository: a user installs it (``pip install`` of the
official repository), or a developer puts a local copy on PYTHONPATH (its folder that holds
``sam2/`` and ``setup.py``). It runs on torch >= 2 and on Debian's torch 1.13, without hydra and
iopath, thanks to the shims installed by :func:`setup`.

Functions
---------
setup(sam2_path=None, threads=None)
    Makes ``import sam2`` work here: puts ``sam2_path`` (or $SAM2_PATH) on sys.path, installs stub
    modules for hydra / iopath when they are missing, and a plain softmax attention for
    ``F.scaled_dot_product_attention`` when torch lacks it (1.13). Idempotent; every other
    function calls it.
resolve_config(config) -> Path
    A config name (``sam2.1_hiera_t``, ``sam2_hiera_b+``, ``sam2.1/sam2.1_hiera_l.yaml``,
    ``configs/sam2.1/sam2.1_hiera_s.yaml``) or a YAML file path -> the YAML file.
load_config(config, overrides=()) -> OmegaConf
    Reads the YAML and merges hydra-style overrides (``++model.image_size=512``,
    ``model.num_maskmem=7``), then resolves interpolations.
instantiate(node)
    Builds objects from a config node: recursive ``_target_`` importer (hydra.utils.instantiate's
    behaviour for the keys the SAM 2 configs use).
build_model(config, checkpoint=None, seed=None, image_size=None, overrides=(), video=False,
            apply_postprocessing=True, perturb_constants=False) -> torch.nn.Module
    Like the official ``build_sam2`` / ``build_sam2_video_predictor`` (same post-processing
    overrides) on the CPU in eval mode; a checkpoint is loaded strictly, or without one the model
    is randomly initialised after ``torch.manual_seed(seed)``.
perturb_constant_parameters(model, seed, std=0.02)
    Adds small Gaussian noise to every parameter tensor whose values are all equal (zero-initialised
    position embeddings, layer scales of 1e-6, LayerNorm weights of 1): a freshly initialised model
    then exercises every path, so numerical self-checks cannot pass through a path that is zero.
plain_attention(q, k, v, ...)
    softmax(q k^T / sqrt(d)) v, the SDPA fallback (also used by :func:`use_plain_attention`).
use_plain_attention()
    Context manager: ``F.scaled_dot_product_attention`` is the plain version inside it (the ONNX
    export uses it so graphs are the same on every torch version).
patch_for_onnx_export()
    Context manager with the patches the ONNX export needs: plain attention, and Hiera's window
    position embedding built with ``repeat`` instead of ``tile`` (aten::tile has no opset-17 export).
config_name(config) -> str
    A short name for a config (``sam2.1_hiera_t`` for names and paths alike).
"""

import contextlib
import importlib
import importlib.util
import math
import os
import sys
import types
from pathlib import Path

_READY = False

# The official build functions add these for inference (build_sam.py): keep them identical.
IMAGE_POSTPROCESSING = (
    "++model.sam_mask_decoder_extra_args.dynamic_multimask_via_stability=true",
    "++model.sam_mask_decoder_extra_args.dynamic_multimask_stability_delta=0.05",
    "++model.sam_mask_decoder_extra_args.dynamic_multimask_stability_thresh=0.98",
)
VIDEO_POSTPROCESSING = IMAGE_POSTPROCESSING + (
    "++model.binarize_mask_from_pts_for_mem_enc=true",
    "++model.fill_hole_area=8",
)
VIDEO_PREDICTOR_TARGET = "sam2.sam2_video_predictor.SAM2VideoPredictor"


def plain_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None):
    """softmax(q k^T * scale) v over the last two dims; dropout is ignored (inference only)."""
    import torch

    if is_causal:
        raise NotImplementedError("causal attention is not used by SAM 2")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = torch.matmul(q, k.transpose(-2, -1)) * scale
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    return torch.matmul(torch.softmax(scores, dim=-1), v)


class CheckpointMismatch(ValueError):
    """A checkpoint whose tensors do not fit the model built from the config."""


def _stub_module(name, **attributes):
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    module.__sam2fiji_stub__ = True
    sys.modules[name] = module
    return module


def _install_hydra_stub():
    """sam2/__init__.py and build_sam.py import hydra; we build configs ourselves."""

    class _GlobalHydra:
        @staticmethod
        def instance():
            return _GlobalHydra()

        def is_initialized(self):
            return True

    def _unavailable(*args, **kwargs):
        raise RuntimeError("hydra is stubbed by sam2_official; use sam2_official.build_model")

    hydra = _stub_module("hydra", compose=_unavailable, initialize_config_module=_unavailable)
    core = _stub_module("hydra.core")
    global_hydra = _stub_module("hydra.core.global_hydra", GlobalHydra=_GlobalHydra)
    utils = _stub_module("hydra.utils", instantiate=lambda node, **kw: instantiate(node))
    hydra.core, hydra.utils, core.global_hydra = core, utils, global_hydra


def _install_iopath_stub():
    """hieradet.py imports iopath only to open a Hiera weights file; plain open() does that."""
    pathmgr = types.SimpleNamespace(open=open, exists=os.path.exists)
    iopath = _stub_module("iopath")
    common = _stub_module("iopath.common")
    file_io = _stub_module("iopath.common.file_io", g_pathmgr=pathmgr)
    iopath.common, common.file_io = common, file_io


def setup(sam2_path=None, threads=None):
    """Makes the official code importable (see the module docstring). Returns the sam2 package dir."""
    global _READY
    import torch
    import torch.nn.functional as F

    path = sam2_path or os.environ.get("SAM2_PATH")
    if path and str(path) not in sys.path:
        sys.path.insert(0, str(path))
    if threads:
        torch.set_num_threads(int(threads))
    if not _READY:
        if importlib.util.find_spec("hydra") is None:
            _install_hydra_stub()
        if importlib.util.find_spec("iopath") is None:
            _install_iopath_stub()
        if not hasattr(F, "scaled_dot_product_attention"):
            F.scaled_dot_product_attention = plain_attention
        _READY = True
    spec = importlib.util.find_spec("sam2")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "The official SAM 2 code is not importable: install it (pip install of the official "
            "sam2 repository) or pass its folder (the one holding sam2/ and setup.py) with "
            "--sam2-path / $SAM2_PATH / PYTHONPATH")
    return Path(list(spec.submodule_search_locations)[0])


def config_name(config):
    """'sam2.1_hiera_t' for 'sam2.1_hiera_t', 'configs/sam2.1/sam2.1_hiera_t.yaml' or a path."""
    name = Path(str(config)).name
    return name[:-5] if name.endswith(".yaml") else name


def resolve_config(config):
    """Finds the YAML file of an official config name, or checks a given YAML path."""
    given = Path(str(config))
    if given.suffix == ".yaml" and given.is_file():
        return given.resolve()
    package = setup()
    name = config_name(config)
    candidates = [package / str(config), package / "configs" / str(config)]
    family = "sam2.1" if name.startswith("sam2.1") else "sam2"
    candidates.append(package / "configs" / family / (name + ".yaml"))
    for candidate in candidates:
        if candidate.suffix == ".yaml" and candidate.is_file():
            return candidate.resolve()
    known = sorted(p.stem for p in (package / "configs").glob("sam2*/*.yaml"))
    raise FileNotFoundError(f"No SAM 2 config '{config}': give a YAML file or one of {known}")


def _dotlist(overrides):
    items = []
    for item in overrides:
        item = str(item).lstrip("+")
        if "=" not in item:
            raise ValueError(f"Override '{item}' is not of the form key=value")
        items.append(item)
    return items


def load_config(config, overrides=()):
    """The config as an OmegaConf object, with hydra-style overrides merged and resolved."""
    from omegaconf import OmegaConf

    cfg = OmegaConf.load(resolve_config(config))
    if overrides:
        cfg = OmegaConf.merge(cfg, OmegaConf.from_dotlist(_dotlist(overrides)))
    OmegaConf.resolve(cfg)
    return cfg


def _import_target(target):
    module_name, _, attribute = target.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def instantiate(node):
    """Recursively builds `_target_` nodes (the subset of hydra's instantiate SAM 2 uses)."""
    from omegaconf import DictConfig, ListConfig, OmegaConf

    setup()
    if isinstance(node, (DictConfig, ListConfig)):
        node = OmegaConf.to_container(node, resolve=True)
    if isinstance(node, list):
        return [instantiate(x) for x in node]
    if not isinstance(node, dict):
        return node
    kwargs = {k: instantiate(v) for k, v in node.items() if not k.startswith("_")}
    if "_target_" not in node:
        return kwargs
    return _import_target(node["_target_"])(**kwargs)


def perturb_constant_parameters(model, seed, std=0.02):
    """Adds N(0, std) noise to every parameter whose values are all equal; returns their names."""
    import torch

    generator = torch.Generator().manual_seed(int(seed) + 7919)
    changed = []
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.is_floating_point() and parameter.numel() > 0:
                flat = parameter.detach().reshape(-1)
                if bool(torch.all(flat == flat[0])):
                    noise = torch.randn(parameter.shape, generator=generator, dtype=parameter.dtype)
                    parameter.add_(noise * std)
                    changed.append(name)
    return changed


def build_model(config, checkpoint=None, seed=None, image_size=None, overrides=(), video=False,
                apply_postprocessing=True, perturb_constants=False):
    """Builds the official SAM2Base (or SAM2VideoPredictor with video=True) on the CPU, eval mode.

    config: an official config name or a YAML file (see resolve_config); checkpoint: an official
    .pt file (its "model" state dict, loaded strictly); without a checkpoint the weights are the
    official random initialisation after torch.manual_seed(seed) (seed 0 if None), with
    perturb_constants also constant parameters perturbed (see perturb_constant_parameters).
    image_size overrides model.image_size (1024 for the official configs; the Hiera position embedding is interpolated
    and RoPE recomputed for other sizes).
    """
    import torch

    setup()
    extra = list(overrides)
    if video:
        extra.insert(0, "++model._target_=" + VIDEO_PREDICTOR_TARGET)
    if apply_postprocessing:
        extra += list(VIDEO_POSTPROCESSING if video else IMAGE_POSTPROCESSING)
    if image_size is not None:
        extra.append(f"++model.image_size={int(image_size)}")
    cfg = load_config(config, extra)
    torch.manual_seed(0 if seed is None else int(seed))
    model = instantiate(cfg.model)
    if checkpoint is not None:
        try:
            state = torch.load(str(checkpoint), map_location="cpu", weights_only=True)
        except TypeError:  # torch without weights_only
            state = torch.load(str(checkpoint), map_location="cpu")
        state = state["model"] if isinstance(state, dict) and "model" in state else state
        try:
            missing, unexpected = model.load_state_dict(state, strict=False)
        except RuntimeError as e:  # shape mismatches
            lines = [line.strip() for line in str(e).splitlines() if "size mismatch" in line]
            raise CheckpointMismatch(
                f"Checkpoint {checkpoint} does not fit config {config}: {len(lines)} tensors differ "
                f"in shape, e.g. {lines[0] if lines else e}") from None
        if missing or unexpected:
            raise CheckpointMismatch(
                f"Checkpoint {checkpoint} does not fit config {config}: missing {missing[:5]}"
                f"{'...' if len(missing) > 5 else ''}, unexpected {unexpected[:5]}"
                f"{'...' if len(unexpected) > 5 else ''}")
    elif perturb_constants:
        perturb_constant_parameters(model, 0 if seed is None else seed)
    return model.to("cpu").eval()


@contextlib.contextmanager
def use_plain_attention():
    """F.scaled_dot_product_attention is plain_attention inside the block."""
    import torch.nn.functional as F

    setup()
    saved = getattr(F, "scaled_dot_product_attention", None)
    F.scaled_dot_product_attention = plain_attention
    try:
        yield
    finally:
        F.scaled_dot_product_attention = saved


def _hiera_pos_embed_with_repeat(self, hw):
    # Same as Hiera._get_pos_embed, with repeat (exportable) in place of tile (not at opset 17).
    import torch.nn.functional as F

    h, w = hw
    window_embed = self.pos_embed_window
    pos_embed = F.interpolate(self.pos_embed, size=(h, w), mode="bicubic")
    reps = [x // y for x, y in zip(pos_embed.shape, window_embed.shape)]
    pos_embed = pos_embed + window_embed.repeat(*reps)
    return pos_embed.permute(0, 2, 3, 1)


@contextlib.contextmanager
def patch_for_onnx_export():
    """Plain attention and a tile-free Hiera position embedding while the block runs."""
    setup()
    hieradet = importlib.import_module("sam2.modeling.backbones.hieradet")
    saved = hieradet.Hiera._get_pos_embed
    hieradet.Hiera._get_pos_embed = _hiera_pos_embed_with_repeat
    try:
        with use_plain_attention():
            yield
    finally:
        hieradet.Hiera._get_pos_embed = saved
