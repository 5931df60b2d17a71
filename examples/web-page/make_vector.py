"""v_A = mean(z with A) - mean(z without A) in PyTorch, saved with torch.save for the page (Program.cs).

A seed's z is torch.manual_seed(seed); torch.randn(1, 100, 1, 1), the same z the C# library draws for that seed.
Label seeds by looking at their images (e.g. dcgan serve, or the console example's grid.png: seeds 0..63).
    python3 make_vector.py [--with 3,8,21,40] [--without 1,5,17,30] [--out v_A.pt]
"""
import argparse

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--with", dest="with_", default="3,8,21,40", help="seeds whose images show the attribute")
parser.add_argument("--without", default="1,5,17,30", help="seeds whose images do not")
parser.add_argument("--nz", type=int, default=100)
parser.add_argument("--out", default="v_A.pt")
args = parser.parse_args()


def z(seed):
    torch.manual_seed(seed)
    return torch.randn(1, args.nz, 1, 1).flatten()


with_a = torch.stack([z(int(s)) for s in args.with_.split(",")])
without_a = torch.stack([z(int(s)) for s in args.without.split(",")])
v_a = with_a.mean(0) - without_a.mean(0)
torch.save(v_a, args.out)
print(f"saved v_A ({v_a.numel()} values, norm {v_a.norm():.3f}) to {args.out}")
