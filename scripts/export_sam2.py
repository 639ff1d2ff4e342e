#!/usr/bin/env python3
"""Exports an official SAM 2 / SAM 2.1 model to a sam2fiji model package (docs/model-format.md).

    python3 scripts/export_sam2.py --config sam2.1_hiera_t --checkpoint sam2.1_hiera_tiny.pt --out DIR
    python3 scripts/export_sam2.py --config sam2.1_hiera_t --random-init --seed 0 --out DIR

The official `sam2` package must be importable (pip install of the official repository, or its
folder on PYTHONPATH / --sam2-path); see scripts/sam2_official.py. Runs on torch >= 2 and 1.13.

After the export every graph is run by ONNX Runtime through Java (io.github.sam2fiji.cli.
GraphSelfCheck) on random inputs and compared with the official PyTorch computation; the export
fails if a value differs by more than --tolerance (1e-4) + --relative-tolerance (1e-5) x max |PyTorch
output|. --skip-self-check skips it (no Java).
The package records the correction policy sessions use by default (--corrections): "conditioning"
(the default: a prompt on an already tracked frame becomes a conditioning frame, so re-propagation
keeps it; the official add_all_frames_to_correct_as_cond=True) or "official" (the official
predictor's default, False).
--fused-attention writes the memory attention and Hiera's attention blocks with ONNX Runtime's fused
MultiHeadAttention operator (see fuse_attention and fused_hiera_attention; measured in
docs/sam2-java-runtime.md and docs/performance.md).

--template writes a weight-free graph template instead (docs/model-template.md): the graphs are
exported without constant folding, so every checkpoint tensor stays an untransformed initializer
(ONNX Runtime folds at load time); each is then left out and mapped to its checkpoint key. The Java
converter (io.github.sam2fiji.convert) turns template + official checkpoint into a package with no
Python. Weights are made pairwise distinct first, so that no two checkpoint tensors can be merged
into one initializer and every initializer maps to exactly one key.
"""

import argparse
import collections
import contextlib
import hashlib
import importlib
import inspect
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sam2_official  # noqa: E402

FORMAT = "sam2fiji-model"
FORMAT_VERSION = 1
OPSET = 17
NUM_MASK_TOKENS = 4
NO_OBJ_SCORE = -1024.0
MASK_AS_OUTPUT_SCALE, MASK_AS_OUTPUT_BIAS = 20.0, -10.0  # SAM2Base._use_mask_as_output
PIXEL_MEAN = [0.485, 0.456, 0.406]
PIXEL_STD = [0.229, 0.224, 0.225]
REPO = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------------------------
# Graph modules: thin wrappers around the official modules (their weights, their code paths),
# with the few rewrites ONNX needs (real-valued RoPE, pointer tokens apart).


class ImageEncoderGraph(nn.Module):
    """SAM2Base.forward_image: Hiera + FPN neck + conv_s0/conv_s1 on the high-res levels."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, image):
        out = self.model.forward_image(image)
        fpn, pos = out["backbone_fpn"], out["vision_pos_enc"]
        return fpn[0], fpn[1], fpn[-1], pos[-1]


class _HieraAttentionOp(torch.autograd.Function):
    """softmax(q k^T / sqrt(d)) v per head on q, k, v [B, N, heads x d]; exported as ONNX Runtime's
    com.microsoft MultiHeadAttention (the same computation in one kernel: no score matrix, no head
    transposes)."""

    @staticmethod
    def forward(ctx, q, k, v, num_heads):
        B, Nq, D = q.shape
        heads = lambda x: x.reshape(B, x.shape[1], num_heads, D // num_heads).transpose(1, 2)  # noqa: E731
        out = sam2_official.plain_attention(heads(q), heads(k), heads(v))
        return out.transpose(1, 2).reshape(B, Nq, D)

    @staticmethod
    def symbolic(g, q, k, v, num_heads):
        out = g.op("com.microsoft::MultiHeadAttention", q, k, v, num_heads_i=num_heads)
        out.setType(q.type())
        return out


def _hiera_attention_forward(self, x):
    """hieradet.MultiScaleAttention.forward with the attention through _HieraAttentionOp: the same
    projections, pooling and reshapes as the official code, heads kept in the channel dimension."""
    B, H, W, _ = x.shape
    qkv = self.qkv(x).reshape(B, H * W, 3, self.num_heads, -1)
    q, k, v = torch.unbind(qkv, 2)
    if self.q_pool:
        q = importlib.import_module("sam2.modeling.backbones.hieradet").do_pool(q.reshape(B, H, W, -1), self.q_pool)
        H, W = q.shape[1:3]
    q = q.reshape(B, H * W, -1)
    x = _HieraAttentionOp.apply(q, k.reshape(B, k.shape[1], -1), v.reshape(B, v.shape[1], -1), self.num_heads)
    return self.proj(x.reshape(B, H, W, -1))


@contextlib.contextmanager
def fused_hiera_attention():
    """Hiera's attention blocks (windowed and global) exported through _HieraAttentionOp."""
    hieradet = importlib.import_module("sam2.modeling.backbones.hieradet")
    saved = hieradet.MultiScaleAttention.forward
    hieradet.MultiScaleAttention.forward = _hiera_attention_forward
    try:
        yield
    finally:
        hieradet.MultiScaleAttention.forward = saved


def mix_no_object_pointer(model, pointers, object_score_logits):
    """The pointer mixing of SAM2Base._forward_sam_heads; pointers [B, T, C], scores [B, 1]."""
    if not model.pred_obj_scores:
        return pointers
    if model.soft_no_obj_ptr:
        present = object_score_logits.sigmoid()
    else:
        present = (object_score_logits > 0).float()
    present = present[:, :, None]
    if model.fixed_no_obj_ptr:
        pointers = present * pointers
    return pointers + (1 - present) * model.no_obj_ptr


class SamHeadsGraph(nn.Module):
    """Prompt encoder + mask decoder for every mask token (SAM2Base._forward_sam_heads before the
    choice of mask), batched over objects."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pix_feat, high_res_feat0, high_res_feat1, point_coords, point_labels,
                mask_input, has_mask_input):
        m = self.model
        sparse, dense_no_mask = m.sam_prompt_encoder(
            points=(point_coords, point_labels), boxes=None, masks=None)
        dense_mask = m.sam_prompt_encoder._embed_masks(mask_input)
        dense = torch.where(has_mask_input[:, None, None, None] > 0.5, dense_mask, dense_no_mask)
        masks, ious, tokens, object_score_logits = m.sam_mask_decoder.predict_masks(
            image_embeddings=pix_feat,
            image_pe=m.sam_prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
            repeat_image=False,
            high_res_features=[high_res_feat0, high_res_feat1],
        )
        pointers = mix_no_object_pointer(m, m.obj_ptr_proj(tokens), object_score_logits)
        return masks.float(), ious, pointers, object_score_logits


class MaskDownsampleGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, mask):
        return self.model.mask_downsample(mask)


class MemoryEncoderGraph(nn.Module):
    """SAM2Base._encode_new_memory (binarise or sigmoid, scale/bias, memory encoder, no-object
    spatial embedding) with the binarise choice as an input."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pix_feat, mask_high_res, object_score_logits, binarize_mask):
        m = self.model
        binary = (mask_high_res > 0).float()
        mask_for_mem = torch.where(binarize_mask[:, None, None, None] > 0.5, binary,
                                   torch.sigmoid(mask_high_res))
        if m.sigmoid_scale_for_mem_enc != 1.0:
            mask_for_mem = mask_for_mem * m.sigmoid_scale_for_mem_enc
        if m.sigmoid_bias_for_mem_enc != 0.0:
            mask_for_mem = mask_for_mem + m.sigmoid_bias_for_mem_enc
        out = m.memory_encoder(pix_feat, mask_for_mem, skip_mask_sigmoid=True)
        features, pos = out["vision_features"], out["vision_pos_enc"][-1]
        if m.no_obj_embed_spatial is not None:
            absent = 1 - (object_score_logits > 0).float()
            features = features + absent[..., None, None] * m.no_obj_embed_spatial[..., None, None]
        return features, pos


def real_rope_tables(attention, h, w):
    """cos and sin [h*w, d/2] of the official axial RoPE frequencies (compute_axial_cis)."""
    freqs = attention.compute_cis(end_x=w, end_y=h)
    return freqs.real.float().contiguous(), freqs.imag.float().contiguous()


def apply_real_rope(x, cos, sin):
    """Rotates interleaved pairs (a, b) of the last dim: (a cos - b sin, a sin + b cos).
    x [..., T, d]; cos/sin broadcastable to [..., T, d/2]."""
    pairs = x.reshape(*x.shape[:-1], x.shape[-1] // 2, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).flatten(-2)


class MemoryAttentionGraph(nn.Module):
    """SAM2Base._prepare_memory_conditioned_features, step 2 (MemoryAttention) and the object
    pointers' temporal encoding, for memories [B, N, M, h, w] and pointers [B, K, C]."""

    def __init__(self, model, h, w):
        super().__init__()
        self.model = model
        self.h, self.w = h, w
        attention = model.memory_attention
        layer0 = attention.layers[0]
        cos_s, sin_s = real_rope_tables(layer0.self_attn, h, w)
        cos_c, sin_c = real_rope_tables(layer0.cross_attn_image, h, w)
        self.register_buffer("cos_self", cos_s)
        self.register_buffer("sin_self", sin_s)
        self.register_buffer("cos_cross", cos_c)
        self.register_buffer("sin_cross", sin_c)

    @staticmethod
    def _heads(x, attn):
        # [..., T, c] -> [..., heads, T, c / heads] (Attention._separate_heads on any leading dims);
        # the head size is a Python int so that ONNX Reshape gets no -1 (which fails on 0 tokens).
        heads = attn.num_heads
        x = x.reshape(*x.shape[:-1], heads, int(attn.internal_dim) // heads)
        return x.transpose(-3, -2)

    def _cross_attention(self, attn, query, keys, values, ptr_keys, ptr_values):
        # query [B, HW, C]; keys/values [B, N, HW, M]; ptr_keys/values [B, T, M]
        q = apply_real_rope(self._heads(attn.q_proj(query), attn), self.cos_cross, self.sin_cross)
        k = self._heads(attn.k_proj(keys), attn)  # [B, N, heads, HW, d]
        k = apply_real_rope(k, self.cos_cross, self.sin_cross).transpose(1, 2)  # [B, heads, N, HW, d]
        v = self._heads(attn.v_proj(values), attn).transpose(1, 2)
        k = k.flatten(2, 3)
        v = v.flatten(2, 3)
        k = torch.cat([k, self._heads(attn.k_proj(ptr_keys), attn)], dim=2)
        v = torch.cat([v, self._heads(attn.v_proj(ptr_values), attn)], dim=2)
        out = sam2_official.plain_attention(q, k, v)
        return attn.out_proj(out.transpose(1, 2).flatten(2))

    def pointer_tokens(self, object_pointers, object_pointer_tpos):
        """[B, K, C] pointers -> ([B, K*r, M] tokens, [B, K*r, M] position), r = C / M."""
        m = self.model
        B, K, C = object_pointers.shape
        M = m.mem_dim
        if m.add_tpos_enc_to_obj_ptrs:
            from sam2.modeling.sam2_utils import get_1d_sine_pe

            tpos_dim = C if m.proj_tpos_enc_in_obj_ptrs else M
            pos = m.obj_ptr_tpos_proj(get_1d_sine_pe(object_pointer_tpos, dim=tpos_dim))
        else:
            pos = object_pointers.new_zeros(K, M)
        pos = pos.unsqueeze(0).expand(B, K, M)
        r = C // M
        if r > 1:
            tokens = object_pointers.reshape(B, K * r, M)
            pos = pos.unsqueeze(2).expand(B, K, r, M).reshape(B, K * r, M)
        else:
            tokens = object_pointers
        return tokens, pos

    def forward(self, vision_feat, vision_pos, memory, memory_pos, object_pointers,
                object_pointer_tpos):
        m = self.model
        attention = m.memory_attention
        B, C, h, w = vision_feat.shape
        curr = vision_feat.flatten(2).transpose(1, 2)  # [B, HW, C]
        curr_pos = vision_pos.flatten(2).transpose(1, 2)
        mem = memory.flatten(3).transpose(2, 3)  # [B, N, HW, M]
        mem_pos = memory_pos.flatten(3).transpose(2, 3)
        ptr, ptr_pos = self.pointer_tokens(object_pointers, object_pointer_tpos)

        output = curr
        if attention.pos_enc_at_input:
            output = output + 0.1 * curr_pos
        for layer in attention.layers:
            tgt2 = layer.norm1(output)
            qk = tgt2 + curr_pos if layer.pos_enc_at_attn else tgt2
            # self-attention: the official call is self_attn(q=qk, k=qk, v=tgt2)
            attn = layer.self_attn
            q = apply_real_rope(self._heads(attn.q_proj(qk), attn), self.cos_self, self.sin_self)
            k = apply_real_rope(self._heads(attn.k_proj(qk), attn), self.cos_self, self.sin_self)
            v = self._heads(attn.v_proj(tgt2), attn)
            out = sam2_official.plain_attention(q, k, v)
            output = output + attn.out_proj(out.transpose(1, 2).flatten(2))

            tgt2 = layer.norm2(output)
            query = tgt2 + curr_pos if layer.pos_enc_at_cross_attn_queries else tgt2
            keys = mem + mem_pos if layer.pos_enc_at_cross_attn_keys else mem
            ptr_keys = ptr + ptr_pos if layer.pos_enc_at_cross_attn_keys else ptr
            output = output + self._cross_attention(layer.cross_attn_image, query, keys, mem,
                                                    ptr_keys, ptr)
            tgt2 = layer.norm3(output)
            output = output + layer.linear2(layer.activation(layer.linear1(tgt2)))
        output = attention.norm(output)
        return output.transpose(1, 2).reshape(B, C, h, w)


# ----------------------------------------------------------------------------------------------
# Official reference computations (PyTorch, the official code paths) for the self-check.


def official_memory_attention(model, vision_feat, vision_pos, memory, memory_pos, pointers, tpos):
    """What _prepare_memory_conditioned_features computes from the same selected memories."""
    from sam2.modeling.sam2_utils import get_1d_sine_pe

    B, C, h, w = vision_feat.shape
    M = model.mem_dim
    to_cat = [memory[:, i].flatten(2).permute(2, 0, 1) for i in range(memory.shape[1])]
    to_cat_pos = [memory_pos[:, i].flatten(2).permute(2, 0, 1) for i in range(memory.shape[1])]
    num_ptr_tokens = 0
    K = pointers.shape[1]
    if K > 0:
        obj_ptrs = pointers.permute(1, 0, 2)  # [K, B, C]
        if model.add_tpos_enc_to_obj_ptrs:
            tpos_dim = C if model.proj_tpos_enc_in_obj_ptrs else M
            obj_pos = model.obj_ptr_tpos_proj(get_1d_sine_pe(tpos, dim=tpos_dim))
            obj_pos = obj_pos.unsqueeze(1).expand(-1, B, M)
        else:
            obj_pos = obj_ptrs.new_zeros(K, B, M)
        if M < C:
            obj_ptrs = obj_ptrs.reshape(-1, B, C // M, M).permute(0, 2, 1, 3).flatten(0, 1)
            obj_pos = obj_pos.repeat_interleave(C // M, dim=0)
        to_cat.append(obj_ptrs)
        to_cat_pos.append(obj_pos)
        num_ptr_tokens = obj_ptrs.shape[0]
    out = model.memory_attention(
        curr=[vision_feat.flatten(2).permute(2, 0, 1)],
        curr_pos=[vision_pos.flatten(2).permute(2, 0, 1)],
        memory=torch.cat(to_cat, dim=0),
        memory_pos=torch.cat(to_cat_pos, dim=0),
        num_obj_ptr_tokens=num_ptr_tokens,
    )
    return out.permute(1, 2, 0).reshape(B, C, h, w)


def official_memory_encoder(model, pix_feat, mask_high_res, object_score_logits, binarize_mask):
    """SAM2Base._encode_new_memory, one object at a time (is_mask_from_pts varies per object)."""
    feats, poss = [], []
    saved = model.binarize_mask_from_pts_for_mem_enc
    try:
        for b in range(pix_feat.shape[0]):
            model.binarize_mask_from_pts_for_mem_enc = bool(binarize_mask[b] > 0.5)
            f, p = model._encode_new_memory(
                current_vision_feats=[pix_feat[b:b + 1].flatten(2).permute(2, 0, 1)],
                feat_sizes=[tuple(pix_feat.shape[-2:])],
                pred_masks_high_res=mask_high_res[b:b + 1],
                object_score_logits=object_score_logits[b:b + 1],
                is_mask_from_pts=True,
            )
            feats.append(f)
            poss.append(p[-1])
    finally:
        model.binarize_mask_from_pts_for_mem_enc = saved
    return torch.cat(feats), torch.cat(poss)


def check_heads_semantics(model, heads_out, inputs, agreement):
    """Torch-only check that the documented selection rules applied to sam_heads' outputs give
    exactly what the official _forward_sam_heads returns (multimask and single-mask modes)."""
    masks, ious, pointers, scores = heads_out
    pix_feat, hr0, hr1, coords, labels, mask_input, has_mask = inputs
    B = pix_feat.shape[0]
    for b in range(B):
        kw = dict(backbone_features=pix_feat[b:b + 1],
                  point_inputs={"point_coords": coords[b:b + 1], "point_labels": labels[b:b + 1]},
                  mask_inputs=mask_input[b:b + 1] if has_mask[b] > 0.5 else None,
                  high_res_features=[hr0, hr1])
        present = bool(scores[b, 0] > 0)
        for multimask in (True, False):
            low_multi, _, iou_o, low, _, ptr, score = model._forward_sam_heads(multimask_output=multimask, **kw)
            if multimask:
                best = int(torch.argmax(ious[b, 1:])) + 1
                token = best if model.use_multimask_token_for_obj_ptr else 0
                want_multi = masks[b, 1:]
                want_iou = ious[b, 1:]
            else:
                logits0 = masks[b, 0].flatten()
                delta = model.sam_mask_decoder.dynamic_multimask_stability_delta
                union = float((logits0 > -delta).sum())
                stability = float((logits0 > delta).sum()) / union if union > 0 else 1.0
                best = int(torch.argmax(ious[b, 1:])) + 1
                stable = stability >= model.sam_mask_decoder.dynamic_multimask_stability_thresh
                chosen = 0 if (stable or not model.sam_mask_decoder.dynamic_multimask_via_stability) else best
                token = 0
                want_multi = masks[b, chosen:chosen + 1]
                want_iou = ious[b, chosen:chosen + 1]
                best = chosen
            if not present:
                want_multi = torch.full_like(want_multi, NO_OBJ_SCORE)
            want_low = want_multi[best - 1:best] if multimask else want_multi
            for got, want in ((low_multi[0], want_multi), (iou_o[0], want_iou), (low[0], want_low),
                              (ptr[0], pointers[b, token]), (score[0], scores[b])):
                agreement.add(got, want)


def official_mask_as_output(model, vision_feat, hr0, hr1, mask):
    """SAM2Base._use_mask_as_output: returns (obj_ptr, object_score_logits) (the low-res mask needs
    an antialiased resize done by the runtime)."""
    out = model._use_mask_as_output(vision_feat, [hr0, hr1], mask)
    return out[5], out[6]


# ----------------------------------------------------------------------------------------------
# Export


def onnx_export(module, args, path, input_names, output_names, dynamic_axes, fold=True):
    kwargs = dict(opset_version=OPSET, input_names=input_names, output_names=output_names,
                  dynamic_axes=dynamic_axes, do_constant_folding=fold)
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript exporter: the graphs below are tested with it
    with sam2_official.patch_for_onnx_export():
        torch.onnx.export(module, args, str(path), **kwargs)


def restore_unused_inputs(path, input_names, inputs, dynamic):
    """The TorchScript exporter drops inputs a configuration does not use (SAM 2.0 has no
    no-object spatial embedding nor pointer temporal encoding); put them back, unused, so that every
    package has the same graph interface."""
    import onnx

    model = onnx.load(str(path))
    present = {i.name for i in model.graph.input}
    missing = [(n, t) for n, t in zip(input_names, inputs) if n not in present]
    if not missing:
        return []
    types = {torch.float32: onnx.TensorProto.FLOAT, torch.int32: onnx.TensorProto.INT32}
    for name, tensor in missing:
        dims = dynamic.get(name, {})
        shape = [dims.get(i, int(d)) for i, d in enumerate(tensor.shape)]
        model.graph.input.append(onnx.helper.make_tensor_value_info(name, types[tensor.dtype], shape))
    onnx.save(model, str(path))
    return [n for n, _ in missing]


def fuse_attention(path):
    """Replaces each plain attention of a graph, MatMul(q, Transpose(k)) -> Mul(scale) -> Softmax ->
    MatMul(., v) on [B, 1, T, d] (one head), by ONNX Runtime's com.microsoft MultiHeadAttention on
    [B, T, d]: same result, but the CPU kernel never holds the [S, T] score matrix (at 1024 the
    memory cross-attention's is 470 MB). Needs ONNX Runtime (not plain ONNX) to run. Returns the
    number of attentions fused."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(path))
    graph = model.graph
    producer = {o: n for n in graph.node for o in n.output}
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            constants[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    axes = helper.make_tensor("fused_attention_head_axis", onnx.TensorProto.INT64, [1], [1])
    graph.initializer.append(axes)
    remove, fused = set(), 0
    new_nodes = {}  # node name -> nodes to put in its place
    for softmax in [n for n in graph.node if n.op_type == "Softmax"]:
        mul = producer.get(softmax.input[0])
        if mul is None or mul.op_type != "Mul":
            continue
        scores_name, scale_name = mul.input if mul.input[1] in constants else mul.input[::-1]
        scores = producer.get(scores_name)
        if scale_name not in constants or constants[scale_name].size != 1 or scores is None or scores.op_type != "MatMul":
            continue
        transpose = producer.get(scores.input[1])
        users = consumers.get(softmax.output[0], [])
        if transpose is None or transpose.op_type != "Transpose" or len(users) != 1 or users[0].op_type != "MatMul":
            continue
        perm = next((list(a.ints) for a in transpose.attribute if a.name == "perm"), None)
        if perm != [0, 1, 3, 2] or len(consumers[transpose.output[0]]) != 1:
            continue
        weighted = users[0]
        tag = f"fused_attention_{fused}"
        squeeze = [helper.make_node("Squeeze", [x, axes.name], [f"{tag}_{r}"], name=f"{tag}/squeeze_{r}")
                   for x, r in ((scores.input[0], "q"), (transpose.input[0], "k"), (weighted.input[1], "v"))]
        mha = helper.make_node("MultiHeadAttention", [f"{tag}_q", f"{tag}_k", f"{tag}_v"], [f"{tag}_out"],
                               name=f"{tag}/mha", domain="com.microsoft", num_heads=1,
                               scale=float(constants[scale_name].reshape(())))
        unsqueeze = helper.make_node("Unsqueeze", [f"{tag}_out", axes.name], [weighted.output[0]], name=f"{tag}/unsqueeze")
        new_nodes[weighted.name] = squeeze + [mha, unsqueeze]
        remove.update({scores.name, transpose.name, mul.name, softmax.name})
        fused += 1
    nodes = []
    for n in graph.node:
        if n.name in new_nodes:
            nodes.extend(new_nodes[n.name])
        elif n.name not in remove:
            nodes.append(n)
    used = {i for n in nodes for i in n.input} | {o.name for o in graph.output}
    nodes = [n for n in nodes if n.op_type != "Constant" or n.output[0] in used]  # the scales
    del graph.node[:]
    graph.node.extend(nodes)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(model, str(path))
    return fused


def count_nodes(path, op_type):
    import onnx

    return sum(1 for n in onnx.load(str(path), load_external_data=False).graph.node if n.op_type == op_type)


def io_spec(names, tensors, dynamic):
    spec = {}
    for name, tensor in zip(names, tensors):
        dims = dynamic.get(name, {})
        shape = [dims.get(i, int(d)) for i, d in enumerate(tensor.shape)]
        dtype = {torch.float32: "float32", torch.int32: "int32", torch.int64: "int64"}[tensor.dtype]
        spec[name] = {"shape": shape, "dtype": dtype}
    return spec


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def architecture(model):
    d = model.sam_mask_decoder
    S = model.image_size
    h = S // model.backbone_stride
    C, M = model.hidden_dim, model.mem_dim
    return {
        "image_size": S,
        "backbone_stride": model.backbone_stride,
        "feature_size": h,
        "low_res_mask_size": 4 * h,
        "high_res_feature_channels": [C // 8, C // 4],
        "high_res_feature_sizes": [4 * h, 2 * h],
        "hidden_dim": C,
        "mem_dim": M,
        "pointer_tokens_per_frame": C // M if model.use_obj_ptrs_in_encoder else 0,
        "num_mask_tokens": d.num_mask_tokens,
        "num_maskmem": model.num_maskmem,
        "max_obj_ptrs_in_encoder": model.max_obj_ptrs_in_encoder,
        "max_cond_frames_in_attn": model.max_cond_frames_in_attn,
        "memory_temporal_stride_for_eval": model.memory_temporal_stride_for_eval,
        "directly_add_no_mem_embed": model.directly_add_no_mem_embed,
        "sigmoid_scale_for_mem_enc": float(model.sigmoid_scale_for_mem_enc),
        "sigmoid_bias_for_mem_enc": float(model.sigmoid_bias_for_mem_enc),
        "binarize_mask_from_pts_for_mem_enc": model.binarize_mask_from_pts_for_mem_enc,
        "use_mask_input_as_output_without_sam": model.use_mask_input_as_output_without_sam,
        "mask_as_output_scale": MASK_AS_OUTPUT_SCALE,
        "mask_as_output_bias": MASK_AS_OUTPUT_BIAS,
        "multimask_output_in_sam": model.multimask_output_in_sam,
        "multimask_min_pt_num": model.multimask_min_pt_num,
        "multimask_max_pt_num": model.multimask_max_pt_num,
        "multimask_output_for_tracking": model.multimask_output_for_tracking,
        "use_multimask_token_for_obj_ptr": model.use_multimask_token_for_obj_ptr,
        "dynamic_multimask_via_stability": d.dynamic_multimask_via_stability,
        "dynamic_multimask_stability_delta": float(d.dynamic_multimask_stability_delta),
        "dynamic_multimask_stability_thresh": float(d.dynamic_multimask_stability_thresh),
        "iou_prediction_use_sigmoid": model.iou_prediction_use_sigmoid,
        "pred_obj_scores": model.pred_obj_scores,
        "fixed_no_obj_ptr": model.fixed_no_obj_ptr,
        "soft_no_obj_ptr": model.soft_no_obj_ptr,
        "no_obj_score": NO_OBJ_SCORE,
        "use_obj_ptrs_in_encoder": model.use_obj_ptrs_in_encoder,
        "add_tpos_enc_to_obj_ptrs": model.add_tpos_enc_to_obj_ptrs,
        "proj_tpos_enc_in_obj_ptrs": model.proj_tpos_enc_in_obj_ptrs,
        "use_signed_tpos_enc_to_obj_ptrs": model.use_signed_tpos_enc_to_obj_ptrs,
        "only_obj_ptrs_in_the_past_for_eval": model.only_obj_ptrs_in_the_past_for_eval,
        "no_obj_embed_spatial": model.no_obj_embed_spatial is not None,
        "non_overlap_masks_for_mem_enc": model.non_overlap_masks_for_mem_enc,
        "fill_hole_area": int(getattr(model, "fill_hole_area", 0)),
        "non_overlap_masks": bool(getattr(model, "non_overlap_masks", False)),
        "clear_non_cond_mem_around_input": bool(getattr(model, "clear_non_cond_mem_around_input", False)),
        "add_all_frames_to_correct_as_cond": bool(getattr(model, "add_all_frames_to_correct_as_cond", False)),
    }


def check_supported(model):
    problems = []
    if not model.use_high_res_features_in_sam:
        problems.append("use_high_res_features_in_sam is false")
    if model.num_maskmem <= 0:
        problems.append("num_maskmem is 0 (image-only SAM)")
    if model.non_overlap_masks_for_mem_enc:
        problems.append("non_overlap_masks_for_mem_enc is true")
    if not model.use_obj_ptrs_in_encoder:
        problems.append("use_obj_ptrs_in_encoder is false")
    if model.hidden_dim % model.mem_dim:
        problems.append("hidden_dim is not a multiple of mem_dim")
    if problems:
        raise SystemExit("This exporter handles the official SAM 2 / 2.1 configurations; this model has "
                         + "; ".join(problems))


class SelfCheckWriter:
    """Writes cases (graph, inputs, official outputs) as .npy files plus cases.json for
    io.github.sam2fiji.cli.GraphSelfCheck."""

    def __init__(self, folder, tolerance, relative_tolerance):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.cases = []
        self.tolerance = tolerance
        self.relative_tolerance = relative_tolerance

    def add(self, case, graph, inputs, outputs):
        entry = {"name": case, "graph": graph, "inputs": {}, "outputs": {}}
        slug = case.replace(" ", "_").replace("=", "").replace(",", "")
        for kind, tensors in (("inputs", inputs), ("outputs", outputs)):
            for name, tensor in tensors.items():
                file = f"{slug}.{kind[:-1]}.{name}.npy"
                np.save(self.folder / file, tensor.detach().cpu().numpy())
                entry[kind][name] = file
        self.cases.append(entry)

    def finish(self, package):
        (self.folder / "cases.json").write_text(json.dumps(
            {"package": os.path.relpath(Path(package).resolve(), self.folder.resolve()),
             "tolerance": self.tolerance, "relative_tolerance": self.relative_tolerance,
             "cases": self.cases}, indent=1))


def export(args, model=None, source_note=None):
    """Exports the package described by args; model: an already built (e.g. tuned) official
    model to export instead of building it from args (scripts/make_reference.py does that)."""
    sam2_official.setup(args.sam2_path, threads=args.threads)
    started = time.time()
    if model is None:
        model = sam2_official.build_model(
            args.config, checkpoint=args.checkpoint, seed=args.seed, image_size=args.image_size,
            video=True, perturb_constants=args.random_init)
    check_supported(model)
    model.add_all_frames_to_correct_as_cond = args.corrections == "conditioning"
    if args.template:
        make_weights_distinct(model, args.seed or 0)
        template_out, args.out = Path(args.out), tempfile.mkdtemp(prefix="sam2-template-package-")
        args.force = True
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        if not args.force:
            raise SystemExit(f"{out} is not empty (use --force to overwrite)")
        shutil.rmtree(out)
    (out / "tensors").mkdir(parents=True)
    arch = architecture(model)
    S, h, L, C, M = (arch[k] for k in ("image_size", "feature_size", "low_res_mask_size", "hidden_dim", "mem_dim"))
    g = torch.Generator().manual_seed(1234 + (args.seed or 0))
    rand = lambda *shape: torch.randn(*shape, generator=g)  # noqa: E731
    graphs, timings = {}, {}
    check = SelfCheckWriter(args.self_check_dir or tempfile.mkdtemp(prefix="sam2-selfcheck-"), args.tolerance,
                            args.relative_tolerance)
    # The wrappers must match the official code ten times more tightly than the graphs must match PyTorch.
    semantic = collections.defaultdict(lambda: Agreement(args.tolerance / 10, args.relative_tolerance / 10))

    def record(name, module, inputs, input_names, output_names, dynamic):
        t = time.time()
        path = out / f"{name}.onnx"
        with torch.no_grad():
            outputs = module(*inputs)
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            onnx_export(module, tuple(inputs), path, input_names, output_names, dynamic, fold=not args.template)
        unused = restore_unused_inputs(path, input_names, inputs, dynamic)
        graphs[name] = {"file": path.name,
                        "inputs": io_spec(input_names, inputs, dynamic),
                        "outputs": io_spec(output_names, outputs, dynamic)}
        if unused:
            graphs[name]["unused_inputs"] = unused
        timings[name] = round(time.time() - t, 2)
        print(f"exported {name}: {path.stat().st_size / 1e6:.2f} MB in {timings[name]} s"
              + (f" (inputs unused by this model: {', '.join(unused)})" if unused else ""), flush=True)
        return outputs

    with torch.no_grad():
        # image encoder, on a real-looking normalised frame
        image = rand(1, 3, S, S)
        enc = ImageEncoderGraph(model).eval()
        with fused_hiera_attention() if args.fused_attention else contextlib.nullcontext():
            hr0, hr1, vision_feat, vision_pos = record(
                "image_encoder", enc, [image], ["image"],
                ["high_res_feat0", "high_res_feat1", "vision_feat", "vision_pos"], {})
        if args.fused_attention:
            graphs["image_encoder"]["fused_attention"] = count_nodes(out / "image_encoder.onnx", "MultiHeadAttention")
            print(f"image_encoder: {graphs['image_encoder']['fused_attention']} Hiera attentions through com.microsoft MultiHeadAttention", flush=True)
        with sam2_official.use_plain_attention():
            ref = model.forward_image(image)
        check.add("image_encoder", "image_encoder.onnx", {"image": image},
                  {"high_res_feat0": ref["backbone_fpn"][0], "high_res_feat1": ref["backbone_fpn"][1],
                   "vision_feat": ref["backbone_fpn"][-1], "vision_pos": ref["vision_pos_enc"][-1]})

        # prompt encoder + mask decoder
        heads = SamHeadsGraph(model).eval()
        B, P = 2, 3
        pix_feat = rand(B, C, h, h)
        coords = torch.rand(B, P, 2, generator=g) * S
        labels = torch.tensor([[1, 0, -1], [2, 3, 1]], dtype=torch.int32)
        mask_input = rand(B, 1, L, L) * 4
        has_mask = torch.tensor([0.0, 1.0])
        heads_inputs = [pix_feat, hr0, hr1, coords, labels, mask_input, has_mask]
        heads_names = ["pix_feat", "high_res_feat0", "high_res_feat1", "point_coords", "point_labels",
                       "mask_input", "has_mask_input"]
        heads_out = record(
            "sam_heads", heads, heads_inputs, heads_names,
            ["masks", "iou_predictions", "object_pointers", "object_score_logits"],
            {"pix_feat": {0: "B"}, "point_coords": {0: "B", 1: "P"}, "point_labels": {0: "B", 1: "P"},
             "mask_input": {0: "B"}, "has_mask_input": {0: "B"}, "masks": {0: "B"},
             "iou_predictions": {0: "B"}, "object_pointers": {0: "B"}, "object_score_logits": {0: "B"}})
        check_heads_semantics(model, heads_out, heads_inputs, semantic["sam_heads_vs_official_forward_sam_heads"])
        check.add("sam_heads B2 P3", "sam_heads.onnx", dict(zip(heads_names, heads_inputs)),
                  dict(zip(["masks", "iou_predictions", "object_pointers", "object_score_logits"], heads_out)))
        one = [rand(1, C, h, h), hr0, hr1, torch.zeros(1, 1, 2), -torch.ones(1, 1, dtype=torch.int32),
               torch.zeros(1, 1, L, L), torch.zeros(1)]
        check.add("sam_heads B1 no prompt", "sam_heads.onnx", dict(zip(heads_names, one)),
                  dict(zip(["masks", "iou_predictions", "object_pointers", "object_score_logits"], heads(*one))))

        # mask downsample (mask as output)
        mask = (rand(B, 1, S, S) > 0.3).float()
        mask[1] = 0  # one empty mask: the absent branch
        down = MaskDownsampleGraph(model).eval()
        (mask_for_decoder,) = record("mask_downsample", down, [mask], ["mask"], ["mask_for_decoder"],
                                     {"mask": {0: "B"}, "mask_for_decoder": {0: "B"}})
        check.add("mask_downsample", "mask_downsample.onnx", {"mask": mask}, {"mask_for_decoder": mask_for_decoder})
        check_mask_as_output(model, heads, vision_feat, hr0, hr1, mask, semantic["mask_as_output_vs_official"])

        # memory encoder
        menc = MemoryEncoderGraph(model).eval()
        mask_hr = rand(B, 1, S, S) * 8
        scores = torch.tensor([[2.0], [-3.0]])
        binarize = torch.tensor([1.0, 0.0])
        pix_raw = vision_feat.expand(B, -1, -1, -1).contiguous()
        menc_names = ["pix_feat", "mask_high_res", "object_score_logits", "binarize_mask"]
        record("memory_encoder", menc, [pix_raw, mask_hr, scores, binarize], menc_names,
               ["maskmem_features", "maskmem_pos_enc"],
               {n: {0: "B"} for n in menc_names + ["maskmem_features", "maskmem_pos_enc"]})
        ref_f, ref_p = official_memory_encoder(model, pix_raw, mask_hr, scores, binarize)
        check.add("memory_encoder", "memory_encoder.onnx",
                  dict(zip(menc_names, [pix_raw, mask_hr, scores, binarize])),
                  {"maskmem_features": ref_f, "maskmem_pos_enc": ref_p})

        # memory attention
        matt = MemoryAttentionGraph(model, h, h).eval()
        matt_names = ["vision_feat", "vision_pos", "memory", "memory_pos", "object_pointers",
                      "object_pointer_tpos"]
        t_diff_max = float(model.max_obj_ptrs_in_encoder - 1)

        def matt_inputs(b, n, k):
            tpos = torch.arange(k, dtype=torch.float32) * torch.tensor(
                [(-1.0) ** i for i in range(k)]) / t_diff_max if k else torch.zeros(0)
            return [rand(b, C, h, h), vision_pos.expand(b, -1, -1, -1).contiguous(),
                    rand(b, n, M, h, h), rand(b, n, M, h, h), rand(b, k, C), tpos]

        example = matt_inputs(1, 2, 3)
        record("memory_attention", matt, example, matt_names, ["pix_feat_with_mem"],
               {"vision_feat": {0: "B"}, "vision_pos": {0: "B"}, "memory": {0: "B", 1: "N"},
                "memory_pos": {0: "B", 1: "N"}, "object_pointers": {0: "B", 1: "K"},
                "object_pointer_tpos": {0: "K"}, "pix_feat_with_mem": {0: "B"}})
        if args.fused_attention:
            fused = fuse_attention(out / "memory_attention.onnx")
            graphs["memory_attention"]["fused_attention"] = fused
            print(f"memory_attention: {fused} attentions fused into com.microsoft MultiHeadAttention", flush=True)
        for b, n, k in ((1, 1, 0), (1, 2, 3), (2, model.num_maskmem, 5)):
            inp = matt_inputs(b, n, k)
            ref = official_memory_attention(model, *inp)
            mine = matt(*inp)
            semantic["memory_attention_real_rope_vs_official"].add(mine, ref)
            check.add(f"memory_attention B{b} N{n} K{k}", "memory_attention.onnx",
                      dict(zip(matt_names, inp)), {"pix_feat_with_mem": ref})

    # small learned tensors
    tensors = {}
    for name in ("no_mem_embed", "no_mem_pos_enc", "maskmem_tpos_enc", "no_obj_ptr", "no_obj_embed_spatial"):
        value = getattr(model, name, None)
        if value is None:
            continue
        array = value.detach().cpu().numpy().astype("<f4")
        file = f"tensors/{name}.f32"
        array.tofile(out / file)
        tensors[name] = {"file": file, "shape": list(array.shape), "dtype": "float32", "byte_order": "little"}

    # The wrappers must match the official code far more tightly than ONNX Runtime must match
    # PyTorch: a wrong detail (a sign, a pointer's position) can move outputs by only ~1e-4.
    for key, agreement in semantic.items():
        print(f"torch check {key}: max abs diff {agreement.max_abs:.3g}, {100 * agreement.used:.0f} % of the tolerance")
        if agreement.used > 1:
            raise SystemExit(f"FAILED: {key} differs by {agreement.max_abs:.3g}, beyond {agreement.absolute:g} + "
                             f"{agreement.relative:g} x max |official value|")

    name = args.name or "{}-{}{}".format(
        sam2_official.config_name(args.config), arch["image_size"],
        f"-random-seed{args.seed}" if args.random_init else "")
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "sam2",
        "name": name,
        "source": {
            "config": sam2_official.config_name(args.config),
            "checkpoint": Path(args.checkpoint).name if args.checkpoint else None,
            "checkpoint_sha256": sha256(args.checkpoint) if args.checkpoint else None,
            "random_init_seed": args.seed if args.random_init else None,
            "exporter": "scripts/export_sam2.py",
            "torch": torch.__version__,
            "opset": OPSET,
        },
        "architecture": arch,
        "preprocessing": {"resize": "bicubic, antialiased (PIL default), to image_size x image_size; aspect ratio not kept",
                          "scale": 255.0, "mean": PIXEL_MEAN, "std": PIXEL_STD},
        "graphs": graphs,
        "tensors": tensors,
        "semantic_check": {k: v.max_abs for k, v in semantic.items()},
    }
    if source_note:
        manifest["source"]["note"] = source_note
    check.finish(out)
    if not args.skip_self_check:
        results = run_self_check(check.folder, args)
        manifest["self_check"] = results
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and path.name != "model.json":
            rel = path.relative_to(out).as_posix()
            files[rel] = {"size": path.stat().st_size, "sha256": sha256(path)}
    manifest["files"] = files
    (out / "model.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(f["size"] for f in files.values())
    print(f"package {out}: {len(files)} files, {total / 1e6:.2f} MB, {time.time() - started:.0f} s")
    if not args.self_check_dir:
        shutil.rmtree(check.folder, ignore_errors=True)
    if args.template:
        write_template(out, template_out, model, args)
        shutil.rmtree(out, ignore_errors=True)


# ----------------------------------------------------------------------------------------------
# Templates: the graphs without their weights, and where each weight comes from


TEMPLATE_FORMAT = "sam2fiji-template"
TEMPLATE_FORMAT_VERSION = 1


def make_weights_distinct(model, seed):
    """Adds tiny seeded noise to every floating-point tensor of the state dict, so that no two are
    equal (the official get_clones copies one initialised layer, and the ONNX exporter stores equal
    initializers once, which would leave one initializer for several checkpoint keys)."""
    generator = torch.Generator().manual_seed(int(seed) + 104729)
    with torch.no_grad():
        for _, tensor in model.state_dict(keep_vars=True).items():
            if tensor.is_floating_point() and tensor.numel() > 0:
                tensor.add_(torch.randn(tensor.shape, generator=generator, dtype=tensor.dtype) * 1e-3)


def write_template(package, out, model, args):
    """Template folder OUT from the exported PACKAGE of MODEL: every graph initializer equal to a
    checkpoint tensor (same shape, same float32 values) is removed and listed as {name, key}. The
    rest are constants of the architecture: small ones (shapes, scales) stay in the graph; float32
    ones of at least --shared-constant-bytes (the memory attention's RoPE tables, 4 MB at 1024, the
    same for every official architecture of an image size) are moved to OUT/../constants/<sha256>.f32,
    shared by all templates there, and listed as {name, sha256, shape}."""
    import onnx
    from onnx import numpy_helper

    state = {k: v.detach().float().contiguous().numpy() for k, v in model.state_dict().items()}
    by_value = collections.defaultdict(list)
    for key, value in state.items():
        by_value[(value.shape, value.astype("<f4").tobytes())].append(key)
    shared = [keys for keys in by_value.values() if len(keys) > 1]
    if shared:
        raise SystemExit(f"template: checkpoint tensors with equal values, cannot be told apart: {shared[:3]}")
    manifest = json.loads((package / "model.json").read_text())
    if out.exists() and any(out.iterdir()):
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    constants_dir = out.parent / "constants"
    used, kept_bytes, shared_bytes, files = set(), 0, 0, {}
    for name, graph in manifest["graphs"].items():
        onnx_model = onnx.load(str(package / graph["file"]))
        weights, keep, constants = [], [], []
        for initializer in onnx_model.graph.initializer:
            value = numpy_helper.to_array(initializer)
            keys = by_value.get((value.shape, value.astype("<f4").tobytes())) if value.dtype == np.float32 else None
            if keys:
                weights.append({"name": initializer.name, "key": keys[0], "shape": list(value.shape)})
                used.add(keys[0])
            elif value.dtype == np.float32 and value.nbytes >= args.shared_constant_bytes:
                data = value.astype("<f4").tobytes()
                digest = hashlib.sha256(data).hexdigest()
                constants_dir.mkdir(parents=True, exist_ok=True)
                if not (constants_dir / f"{digest}.f32").exists():
                    (constants_dir / f"{digest}.f32").write_bytes(data)
                constants.append({"name": initializer.name, "sha256": digest, "shape": list(value.shape)})
                shared_bytes += value.nbytes
            else:
                keep.append(initializer)
                kept_bytes += value.nbytes
        del onnx_model.graph.initializer[:]
        onnx_model.graph.initializer.extend(keep)
        onnx.save(onnx_model, str(out / graph["file"]))
        graph["weights"] = weights
        if constants:
            graph["constants"] = constants
        print(f"template {name}: {len(weights)} weights left out, {len(constants)} shared constants, {len(keep)} constants kept, "
              f"{(out / graph['file']).stat().st_size / 1e3:.0f} kB", flush=True)
    tensors = {}
    for name, spec in manifest["tensors"].items():
        if name not in state:
            raise SystemExit(f"template: tensor {name} is not a checkpoint key")
        tensors[name] = {"key": name, "file": spec["file"], "shape": spec["shape"]}
        used.add(name)
    for path in sorted(out.iterdir()):
        files[path.name] = {"size": path.stat().st_size, "sha256": sha256(path)}
    template = {
        "format": TEMPLATE_FORMAT,
        "format_version": TEMPLATE_FORMAT_VERSION,
        "config": manifest["source"]["config"],
        "image_size": manifest["architecture"]["image_size"],
        "source": {"exporter": "scripts/export_sam2.py --template", "torch": torch.__version__, "opset": OPSET},
        "architecture": manifest["architecture"],
        "preprocessing": manifest["preprocessing"],
        "graphs": manifest["graphs"],
        "tensors": tensors,
        # the full inventory of the architecture's state dict: a checkpoint must have exactly these
        "checkpoint": {"keys": {k: list(v.shape) for k, v in state.items()},
                       "unused_by_graphs": sorted(set(state) - used)},
        "self_check": manifest.get("self_check"),
        "constants_dir": "../constants",
        "files": files,
    }
    (out / "template.json").write_text(json.dumps(template, indent=1) + "\n")
    total = sum(f["size"] for f in files.values())
    print(f"template {out}: {len(files)} graphs, {total / 1e6:.2f} MB, {len(used)} of {len(state)} checkpoint tensors "
          f"used, {kept_bytes / 1e6:.2f} MB of constants kept in the graphs, {shared_bytes / 1e6:.2f} MB shared in {constants_dir}",
          flush=True)


class Agreement:
    """How closely tensors agree with their references: the max abs difference, and the largest
    share of the tolerance ``absolute + relative x max |reference|`` (per reference tensor) any
    difference uses (``used``; at most 1 to pass). Float32 rounding grows with the magnitudes a
    computation works with, so large-valued outputs get a bar relative to their scale."""

    def __init__(self, absolute, relative):
        self.absolute, self.relative = absolute, relative
        self.max_abs, self.used = 0.0, 0.0

    def add(self, got, want):
        got, want = torch.as_tensor(got).double(), torch.as_tensor(want).double()
        diff = float((got - want).abs().max())
        self.max_abs = max(self.max_abs, diff)
        self.used = max(self.used, diff / (self.absolute + self.relative * float(want.abs().max())))


def check_mask_as_output(model, heads, vision_feat, hr0, hr1, mask, agreement):
    """The documented mask-as-output recipe (mask_downsample + sam_heads token 0 + second mixing)
    against the official SAM2Base._use_mask_as_output (pointer and object score)."""
    B = mask.shape[0]
    feat = vision_feat.expand(B, -1, -1, -1)
    ref_ptr, ref_score = official_mask_as_output(model, feat, hr0, hr1, mask)
    _, _, pointers, _ = heads(feat, hr0, hr1, torch.zeros(B, 1, 2), -torch.ones(B, 1, dtype=torch.int32),
                              model.mask_downsample(mask), torch.ones(B))
    present = (mask.flatten(1) > 0).any(dim=1, keepdim=True).float()
    ptr = pointers[:, 0]
    if model.pred_obj_scores:
        if model.fixed_no_obj_ptr:
            ptr = present * ptr
        ptr = ptr + (1 - present) * model.no_obj_ptr
    score = MASK_AS_OUTPUT_SCALE * present + MASK_AS_OUTPUT_BIAS
    agreement.add(ptr, ref_ptr)
    agreement.add(score, ref_score)


def java_classpath(args):
    if args.java_classpath:
        return args.java_classpath
    cp_file = REPO / "target" / "selfcheck-classpath.txt"
    subprocess.run(["mvn", "-q", "-B", "-ntp", "-Dstyle.color=never", "-DskipTests", "compile", "dependency:build-classpath",
                    f"-Dmdep.outputFile={cp_file}"], cwd=REPO, check=True)
    return str(REPO / "target" / "classes") + os.pathsep + cp_file.read_text().strip()


def run_self_check(folder, args):
    print("self-check: running every graph in ONNX Runtime (Java) against PyTorch ...", flush=True)
    result_file = Path(tempfile.mkdtemp(prefix="sam2-selfcheck-results-")) / "results.json"
    cmd = ["java", "-cp", java_classpath(args), "io.github.sam2fiji.cli.GraphSelfCheck",
           str(folder), "--threads", str(args.threads or 2), "--results", str(result_file)]
    proc = subprocess.run(cmd)
    if not result_file.exists():
        raise SystemExit("self-check did not run (exit code %d)" % proc.returncode)
    results = json.loads(result_file.read_text())
    if proc.returncode != 0:
        raise SystemExit("self-check FAILED: a difference above %g + %g x max |PyTorch output| (see above)"
                         % (args.tolerance, args.relative_tolerance))
    per_graph = {}
    for case in results["cases"]:
        graph = Path(case["graph"]).stem
        per_graph[graph] = max(per_graph.get(graph, 0.0), case["maxAbsDiff"])
    return per_graph


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True,
                   help="official config name (sam2.1_hiera_t, sam2.1_hiera_s, sam2.1_hiera_b+, sam2.1_hiera_l, "
                        "sam2_hiera_*) or a YAML file in the official format")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="official checkpoint (.pt) matching the config")
    src.add_argument("--random-init", action="store_true",
                     help="export a randomly initialised model of the config's architecture (tests)")
    p.add_argument("--seed", type=int, default=0, help="seed of --random-init (default 0)")
    p.add_argument("--image-size", type=int, default=None,
                   help="model input size (default: the config's, 1024 for the official ones); "
                        "a multiple of 32 (64 for Hiera's windows at full depth)")
    p.add_argument("--out", required=True, help="package folder to write")
    p.add_argument("--name", help="package name (default: CONFIG-SIZE[-random-seedN])")
    p.add_argument("--force", action="store_true", help="overwrite a non-empty --out")
    p.add_argument("--sam2-path", help="folder holding the official sam2/ package (else PYTHONPATH)")
    p.add_argument("--fused-attention", action="store_true",
                   help="memory attention and Hiera's attention blocks (image encoder) with ONNX Runtime's fused "
                        "com.microsoft MultiHeadAttention instead of MatMul-Softmax-MatMul: same outputs, far less memory "
                        "per call at 1024 (the score matrix is never held), faster; runs only in ONNX Runtime")
    p.add_argument("--threads", type=int, default=2, help="torch and ONNX Runtime threads (default 2)")
    p.add_argument("--skip-self-check", action="store_true", help="do not run the graphs in ONNX Runtime (no Java)")
    p.add_argument("--self-check-dir", help="keep the self-check inputs and outputs (.npy) in this folder")
    p.add_argument("--java-classpath", help="classpath holding io.github.sam2fiji.cli.GraphSelfCheck "
                                            "(default: built with mvn from this repository)")
    p.add_argument("--corrections", choices=("conditioning", "official"), default="conditioning",
                   help="correction policy written to the package (add_all_frames_to_correct_as_cond): "
                        "conditioning (default: corrections persist through re-propagation) or official (False)")
    p.add_argument("--template", action="store_true",
                   help="write a weight-free graph template to --out instead of a package (docs/model-template.md); "
                        "use with --random-init: the weights are only used for the self-check")
    p.add_argument("--shared-constant-bytes", type=int, default=1 << 16,
                   help="with --template: float32 constants of at least this size go to the shared constants folder "
                        "(default 65536)")
    p.add_argument("--tolerance", type=float, default=1e-4,
                   help="absolute part of the self-check tolerance (default 1e-4); an output passes when "
                        "|ONNX Runtime - PyTorch| <= tolerance + relative-tolerance x max |PyTorch output|")
    p.add_argument("--relative-tolerance", type=float, default=1e-5,
                   help="relative part of the self-check tolerance (default 1e-5: float32 agreement of "
                        "large values such as object scores in the hundreds)")
    args = p.parse_args(argv)
    if args.image_size is not None and args.image_size % 32:
        p.error("--image-size must be a multiple of 32")
    return args


def main(argv=None):
    args = parse_args(argv)
    try:
        export(args)
    except (FileNotFoundError, ImportError, sam2_official.CheckpointMismatch) as e:
        raise SystemExit(f"export_sam2: {e}")


if __name__ == "__main__":
    main()
