#!/usr/bin/env python3
"""Writes expected.json: which memories (frame, t_pos) and object pointers (frame, temporal
distance) the OFFICIAL SAM2Base._prepare_memory_conditioned_features selects, over random
scenarios (conditioning / non-conditioning frame sets, stride, max_cond_frames_in_attn, reverse).

The official method runs unmodified on a stand-in `self` whose tensors encode frame indices:
memory features of frame t are all t, pointers of frame t are t + 1000, maskmem_tpos_enc[i] = i,
get_1d_sine_pe returns its input (so pointer positions decode to distances) and the memory
attention module just records what it is given.

Run: PYTHONPATH=/work/ext/sam2 /usr/bin/python3 make_expected.py   (needs the official code,
importable with scripts/sam2_official.py's shims)."""
import json
import random
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import sam2_official  # noqa: E402

sam2_official.setup()
import torch  # noqa: E402
from sam2.modeling import sam2_base  # noqa: E402

C, M, H = 8, 4, 2  # hidden dim, memory dim (pointer split in C // M = 2 tokens), feature side
sam2_base.get_1d_sine_pe = lambda pos, dim: pos[:, None].expand(-1, dim).clone()


class Recorder:
    def __call__(self, curr, curr_pos, memory, memory_pos, num_obj_ptr_tokens):
        self.memory, self.memory_pos, self.num_ptr = memory, memory_pos, num_obj_ptr_tokens
        return curr[0]


def fake_model(stride, max_cond, only_past, signed):
    n = 7
    return types.SimpleNamespace(
        num_maskmem=n, hidden_dim=C, mem_dim=M, training=False,
        memory_temporal_stride_for_eval=stride, max_cond_frames_in_attn=max_cond,
        use_obj_ptrs_in_encoder=True, max_obj_ptrs_in_encoder=16,
        only_obj_ptrs_in_the_past_for_eval=only_past, use_signed_tpos_enc_to_obj_ptrs=signed,
        add_tpos_enc_to_obj_ptrs=True, proj_tpos_enc_in_obj_ptrs=False,
        obj_ptr_tpos_proj=lambda x: x,
        maskmem_tpos_enc=torch.arange(n, dtype=torch.float32)[:, None, None].expand(n, 1, M).clone(),
        directly_add_no_mem_embed=True, memory_attention=Recorder())


def output(t):
    return {"maskmem_features": torch.full((1, M, H, H), float(t)),
            "maskmem_pos_enc": [torch.zeros(1, M, H, H)],
            "obj_ptr": torch.full((1, C), float(t + 1000))}


def run(scenario):
    model = fake_model(scenario["stride"], scenario["max_cond"], scenario["only_past"], scenario["signed"])
    cond = {t: output(t) for t in scenario["conditioning"]}
    non_cond = {t: output(t) for t in scenario["non_conditioning"]}
    feats = [torch.zeros(H * H, 1, C)]
    sam2_base.SAM2Base._prepare_memory_conditioned_features(
        model, frame_idx=scenario["frame"], is_init_cond_frame=False, current_vision_feats=feats,
        current_vision_pos_embeds=feats, feat_sizes=[(H, H)],
        output_dict={"cond_frame_outputs": cond, "non_cond_frame_outputs": non_cond},
        num_frames=scenario["frame_count"], track_in_reverse=scenario["reverse"])
    rec = model.memory_attention
    hw = H * H
    spatial = rec.memory.shape[0] - rec.num_ptr
    memories = []
    for k in range(spatial // hw):
        frame = int(rec.memory[k * hw, 0, 0].item())
        tpos_index = int(round(rec.memory_pos[k * hw, 0, 0].item()))
        memories.append([frame, model.num_maskmem - 1 - tpos_index])
    pointers = []
    t_diff_max = min(scenario["frame_count"], 16) - 1
    for k in range(spatial, rec.memory.shape[0], C // M):
        frame = int(round(rec.memory[k, 0, 0].item())) - 1000
        distance = int(round(rec.memory_pos[k, 0, 0].item() * t_diff_max))
        pointers.append([frame, distance])
    return memories, pointers


rng = random.Random(4)
scenarios = []
for i in range(300):
    frame_count = rng.choice([3, 9, 20, 40, 80])
    frame = rng.randrange(frame_count)
    frames = list(range(frame_count))
    cond = sorted(rng.sample(frames, rng.randint(1, min(4, frame_count))))
    others = [t for t in frames if t not in cond and t != frame]
    non_cond = sorted(rng.sample(others, int(len(others) * rng.choice([0.3, 0.8, 1.0]))))
    scenario = {"frame": frame, "frame_count": frame_count, "conditioning": cond, "non_conditioning": non_cond,
                "reverse": rng.random() < 0.4, "stride": rng.choice([1, 1, 2, 3]),
                "max_cond": rng.choice([-1, -1, 2, 3]), "only_past": rng.random() < 0.7,
                "signed": rng.random() < 0.7}
    scenario["memories"], scenario["pointers"] = run(scenario)
    scenarios.append(scenario)

with open(Path(__file__).with_name("expected.json"), "w") as f:
    json.dump({"official_commit": "2b90b9f", "num_maskmem": 7, "max_obj_ptrs_in_encoder": 16, "scenarios": scenarios}, f)
