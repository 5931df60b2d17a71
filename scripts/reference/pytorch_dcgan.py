# The tutorial's DCGAN loop in PyTorch, as a reference for `dcgan train`: same nets, weights_init, Adam (2e-4, 0.5),
# BCE, D on real then detached fakes, then G with the non-saturating loss. Its netG.pth files are evaluated by
# `./dcgan eval --checkpoint netG.pth`, so a C# run and a PyTorch run of the same recipe are judged by one metric
# (docs/experiments.md). It reads the same data as the C# side: data/emoji.zip (64x64 PNGs on white) or an IDX
# file (Fashion-MNIST), resized with bilinear filtering to --image-size.
#
#   python3 scripts/reference/pytorch_dcgan.py --data data/emoji.zip --image-size 64 --steps 3300 \
#       --save-at 1200,3300 --out /tmp/ref-emoji [--device cuda] [--augment translation,cutout]
#
# --augment is differentiable augmentation (Zhao et al. 2020) as `dcgan train --augment` does it: every image D sees,
# real or fake, in D's step and in G's, is shifted by up to --augment-translation of its size (zero fill; the paper's
# 1/8) and/or has a square of half its size zeroed. Its random draws come from PyTorch's generator, so runs match the
# C# ones in law, not in bits. --ema keeps a moving average of G as `dcgan train --ema` does (weights averaged, BatchNorm
# statistics copied); --netG / --netD start from state_dicts (`dcgan export --format pth` writes them). At the end it
# writes what that command writes, netG.pth, netD.pth and with --ema netG_ema.pth, which `dcgan sample/serve/eval
# --checkpoint` take; the --save-at snapshots netG-stepN.pth are the weights to sample (the average with --ema).
#
# Scale-out: the same file runs under torchrun, one process per core group or GPU, with DistributedDataParallel (gloo on
# the CPU, nccl on CUDA). --batch-size stays the global batch (each process takes 1/N of it), so the recipe is unchanged:
#
#   torchrun --nproc_per_node 2 scripts/reference/pytorch_dcgan.py --data data/emoji.zip --steps 4800 --out /tmp/ddp \
#       --augment translation,cutout --ema 0.999
#
# What changes with N > 1 is in docs/scale.md (BatchNorm statistics per process, the noise each process draws).
import argparse
import gzip
import io
import os
import time
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--out", required=True)
p.add_argument("--image-size", type=int, default=64)
p.add_argument("--steps", type=int, default=1000)
p.add_argument("--save-at", default="")
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--lr", type=float, default=2e-4)
p.add_argument("--seed", type=int, default=999)
p.add_argument("--augment", default="", help="any of translation,cutout")
p.add_argument("--augment-translation", type=float, default=0.125, help="largest shift, a fraction of the size")
p.add_argument("--g-resize-conv", type=int, default=0,
               help="G's last K side-doubling layers as Upsample + 3x3 Conv2d, as dcgan train --g-resize-conv K")
p.add_argument("--ema", type=float, default=None, help="moving average of G with this decay, e.g. 0.999")
p.add_argument("--netG", default=None, help="start G from this state_dict (e.g. dcgan export --format pth's netG.pth)")
p.add_argument("--netD", default=None, help="start D from this state_dict")
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
a = p.parse_args()

# torchrun sets WORLD_SIZE, RANK and LOCAL_RANK; run directly, this is one process and the loop below is the tutorial's.
world = int(os.environ.get("WORLD_SIZE", "1"))
rank = int(os.environ.get("RANK", "0"))
if world > 1:
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    if a.batch_size % world != 0:
        p.error(f"--batch-size {a.batch_size} is the global batch: it must divide by the {world} processes")
    if a.device.startswith("cuda"):
        a.device = f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
        torch.cuda.set_device(torch.device(a.device))
    dist.init_process_group("nccl" if a.device.startswith("cuda") else "gloo")
if a.ema is not None and not 0 < a.ema < 1:
    p.error(f"--ema must be in (0, 1), e.g. 0.999 (got {a.ema})")
main_process = rank == 0
os.makedirs(a.out, exist_ok=True)
torch.manual_seed(a.seed)
device = torch.device(a.device)


def load(path):
    """uint8 [N, C, H, W]"""
    if path.endswith(".zip"):
        from PIL import Image  # only the emoji set needs it

        with zipfile.ZipFile(path) as z:
            names = sorted(n for n in z.namelist() if n.lower().endswith(".png"))
            return np.stack([np.asarray(Image.open(io.BytesIO(z.read(n))).convert("RGB")) for n in names]).transpose(0, 3, 1, 2)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(raw, np.uint8, offset=16).reshape(n, 1, h, w)


pixels = torch.from_numpy(load(a.data).copy())
images = pixels.float().div(127.5).sub(1)
if images.shape[-1] != a.image_size:
    images = F.interpolate(images, size=(a.image_size, a.image_size), mode="bilinear", antialias=True, align_corners=False)
images = images.clamp(-1, 1).to(device)
nc, nz, ngf, ndf = images.shape[1], 100, 64, 64
if main_process:
    print(f"{images.shape[0]} images of {tuple(images.shape[1:])} on {device}" + (f", {world} processes" if world > 1 else ""),
          flush=True)


def up(i, o, first=False):
    return [nn.ConvTranspose2d(i, o, 4, 1 if first else 2, 0 if first else 1, bias=False), nn.BatchNorm2d(o), nn.ReLU(True)]


def doubling(i, o, resize):
    # dcgan train --g-resize-conv: the state_dict key is main.N.1.weight, [o, i, 3, 3]
    if resize:
        return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(i, o, 3, 1, 1, bias=False))
    return nn.ConvTranspose2d(i, o, 4, 2, 1, bias=False)


def down(i, o, norm=True):
    return [nn.Conv2d(i, o, 4, 2, 1, bias=False)] + ([nn.BatchNorm2d(o)] if norm else []) + [nn.LeakyReLU(0.2, inplace=True)]


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        widths = [ngf * 8, ngf * 4, ngf * 2, ngf] if a.image_size == 64 else [ngf * 4, ngf * 2, ngf]
        if not 0 <= a.g_resize_conv <= len(widths):
            raise SystemExit(f"--g-resize-conv must be between 0 and {len(widths)}, the side-doubling layers at {a.image_size} px")
        first_resize = len(widths) - a.g_resize_conv  # the side-doubling layers are all but the first
        layers = up(nz, widths[0], first=True)
        for k, (i, o) in enumerate(zip(widths, widths[1:])):
            layers += [doubling(i, o, k >= first_resize), nn.BatchNorm2d(o), nn.ReLU(True)]
        self.main = nn.Sequential(*layers, doubling(widths[-1], nc, len(widths) - 1 >= first_resize), nn.Tanh())

    def forward(self, x):
        return self.main(x)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        widths = [ndf, ndf * 2, ndf * 4, ndf * 8] if a.image_size == 64 else [ndf, ndf * 2, ndf * 4]
        layers = down(nc, widths[0], norm=False)
        for i, o in zip(widths, widths[1:]):
            layers += down(i, o)
        self.main = nn.Sequential(*layers, nn.Conv2d(widths[-1], 1, 4, 1, 0, bias=False), nn.Sigmoid())

    def forward(self, x):
        return self.main(x).view(-1)


def weights_init(m):
    if "Conv" in type(m).__name__:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif "BatchNorm" in type(m).__name__:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.constant_(m.bias, 0)


def translate(x):
    b, _, h, w = x.shape
    sh, sw = int(h * a.augment_translation + 0.5), int(w * a.augment_translation + 0.5)
    dy = torch.randint(-sh, sh + 1, (b, 1, 1), device=x.device)
    dx = torch.randint(-sw, sw + 1, (b, 1, 1), device=x.device)
    rows = (torch.arange(h, device=x.device).view(1, h, 1) + dy + 1).clamp(0, h + 1)
    cols = (torch.arange(w, device=x.device).view(1, 1, w) + dx + 1).clamp(0, w + 1)
    padded = F.pad(x, [1, 1, 1, 1]).permute(0, 2, 3, 1)  # [B, H + 2, W + 2, C]
    return padded[torch.arange(b, device=x.device).view(b, 1, 1), rows, cols].permute(0, 3, 1, 2).contiguous()


def cutout(x):
    b, _, h, w = x.shape
    size_h, size_w = int(h * 0.5 + 0.5), int(w * 0.5 + 0.5)
    cy = torch.randint(0, h + (1 - size_h % 2), (b, 1, 1), device=x.device) - size_h // 2
    cx = torch.randint(0, w + (1 - size_w % 2), (b, 1, 1), device=x.device) - size_w // 2
    rows, cols = torch.arange(h, device=x.device).view(1, h, 1), torch.arange(w, device=x.device).view(1, 1, w)
    inside = (rows >= cy) & (rows < cy + size_h) & (cols >= cx) & (cols < cx + size_w)
    return x * (~inside).unsqueeze(1).to(x.dtype)


augmentations = {"translation": translate, "cutout": cutout}
policy = [n for n in ("translation", "cutout") if n in a.augment.split(",")]
unknown = set(filter(None, a.augment.split(","))) - set(augmentations)
if unknown:
    p.error(f"--augment: unknown {sorted(unknown)}; use any of translation,cutout")


def seen(x):
    """What D sees: the augmentation policy applied alike to reals and fakes, differentiable in x."""
    for name in policy:
        x = augmentations[name](x)
    return x


netG, netD = Generator().to(device), Discriminator().to(device)
netG.apply(weights_init)
netD.apply(weights_init)
for net, path in ((netG, a.netG), (netD, a.netD)):
    if path:
        net.load_state_dict(torch.load(path, map_location=device))  # strict: the tutorial's key names
ema = None
if a.ema is not None:
    import copy

    ema = copy.deepcopy(netG).eval()
    for parameter in ema.parameters():
        parameter.requires_grad_(False)
# The modules whose state_dicts are saved: under DDP, the wrapped ones (no "module." prefix in the keys).
plainG, plainD = netG, netD
shared_order = None
if world > 1:
    # Every process starts from rank 0's weights (DDP broadcasts them) and averages gradients in each backward. The
    # shuffling is shared (one generator, same seed everywhere); the noise and augmentation draws are each process's own.
    # BatchNorm keeps each process's running statistics (broadcasting them at every forward would change D's in place
    # between its real and fake passes, which autograd refuses); save() averages them over the processes.
    netG = DistributedDataParallel(netG, broadcast_buffers=False)
    netD = DistributedDataParallel(netD, broadcast_buffers=False)
    shared_order = torch.Generator().manual_seed(a.seed)
    torch.manual_seed(a.seed + 1000 * rank)
optG = torch.optim.Adam(netG.parameters(), lr=a.lr, betas=(0.5, 0.999))
optD = torch.optim.Adam(netD.parameters(), lr=a.lr, betas=(0.5, 0.999))
bce = nn.BCELoss()
save_at = {int(s) for s in a.save_at.split(",") if s} | {a.steps}
per_epoch = -(-images.shape[0] // a.batch_size)  # the last, smaller batch included, as the C# loader and DataLoader do


def update_ema():
    """ema = decay * ema + (1 - decay) * G for the weights; BatchNorm's statistics copied, as dcgan train --ema does."""
    with torch.no_grad():
        for average, current in zip(ema.parameters(), plainG.parameters()):
            average.mul_(a.ema).add_(current, alpha=1 - a.ema)
        for average, current in zip(ema.buffers(), plainG.buffers()):
            average.copy_(current)


def save(module, name):
    """Written by one process, to a temporary file first: a crash never leaves half a state_dict. Every process calls it:
    under DDP the BatchNorm running statistics are first averaged over the processes (the batch's statistics in law)."""
    if world > 1:
        with torch.no_grad():
            for buffer in module.buffers():
                if buffer.is_floating_point():
                    dist.all_reduce(buffer)
                    buffer.div_(world)
    if main_process:
        path = os.path.join(a.out, name)
        torch.save(module.state_dict(), path + ".tmp")
        os.replace(path + ".tmp", path)


step, start = 0, time.time()
while step < a.steps:
    if shared_order is None:
        order = torch.randperm(images.shape[0], device=device)
    else:
        order = torch.randperm(images.shape[0], generator=shared_order).to(device)
    for b in range(per_epoch):
        if step >= a.steps:
            break
        batch = order[b * a.batch_size:(b + 1) * a.batch_size]
        if world > 1:
            batch = batch[rank::world]  # this process's share of the global batch
        real = images[batch]
        n = real.shape[0]
        netD.zero_grad()
        out_real = netD(seen(real))
        loss_real = bce(out_real, torch.ones(n, device=device))
        fake = netG(torch.randn(n, nz, 1, 1, device=device))
        loss_fake = bce(netD(seen(fake.detach())), torch.zeros(n, device=device))
        (loss_real + loss_fake).backward()
        optD.step()
        netG.zero_grad()
        loss_g = bce(netD(seen(fake)), torch.ones(n, device=device))
        loss_g.backward()
        optG.step()
        if ema is not None:
            update_ema()
        step += 1
        if main_process and (step % 500 == 0 or step == a.steps):
            print(f"step {step} loss_d {(loss_real + loss_fake).item():.3f} loss_g {loss_g.item():.3f} "
                  f"D(x) {out_real.mean().item():.3f} {time.time() - start:.0f} s", flush=True)
        if step in save_at:
            save(ema if ema is not None else plainG, f"netG-step{step}.pth")
# The names `dcgan export --format pth` gives: netG.pth (G itself), netG_ema.pth (the average), netD.pth.
save(plainG, "netG.pth")
save(plainD, "netD.pth")
if ema is not None:
    save(ema, "netG_ema.pth")
if main_process:
    print(f"{a.steps} steps in {time.time() - start:.1f} s; wrote netG.pth{', netG_ema.pth' if ema is not None else ''} "
          f"and netD.pth in {a.out}", flush=True)
if world > 1:
    dist.destroy_process_group()
