#!/usr/bin/env python3
"""make_seeds.py — writes the small seed corpora for the loader fuzzers
(tests/fuzz/corpus/{pickle,pth,npy}/). Needs only the Python standard library:
torch's globals are stood in for by fake modules with the same names, so the
pickles are byte-for-byte what torch.save's pickler emits for such objects.
Run from the repository root: python3 tests/fuzz/make_seeds.py"""
import collections, io, os, pickle, struct, sys, types, zipfile

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
sys.modules["torch"], sys.modules["torch._utils"] = torch, utils


def _rebuild_tensor_v2(*args):
    raise RuntimeError("stand-in")


_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2


def _rebuild_parameter(*args):
    raise RuntimeError("stand-in")


_rebuild_parameter.__module__ = "torch._utils"
utils._rebuild_parameter = _rebuild_parameter

for cls in ["FloatStorage", "HalfStorage", "LongStorage", "BFloat16Storage"]:
    c = type(cls, (), {})
    c.__module__ = "torch"
    setattr(torch, cls, c)


class Storage:
    def __init__(self, stype, key, data):
        self.stype, self.key, self.data = stype, key, data
        self.numel = len(data) // (2 if stype in ("HalfStorage", "BFloat16Storage") else
                                   8 if stype == "LongStorage" else 4)


class Tensor:
    def __init__(self, storage, offset, size, stride, param=False):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())
        self.param = param

    def __reduce_ex__(self, proto):
        if self.param:
            return (_rebuild_parameter, (Tensor(*self.args[:4]), True, collections.OrderedDict()))
        return (_rebuild_tensor_v2, self.args)


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", getattr(torch, obj.stype), obj.key, "cpu", obj.numel)
        return None


def dumps(obj, protocol=2):
    f = io.BytesIO()
    Pickler(f, protocol=protocol).dump(obj)
    return f.getvalue()


def floats(*v):
    return struct.pack("<%df" % len(v), *v)


def save(path, prefix, obj, storages, newlayout=False):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr(prefix + "/data.pkl", dumps(obj))
        if newlayout:
            z.writestr(prefix + "/byteorder", "little")
        for s in storages:
            z.writestr(prefix + "/data/" + s.key, s.data)
        z.writestr(prefix + "/version", "3\n")
        if newlayout:
            z.writestr(prefix + "/.data/serialization_id", "0123456789" * 4)


def npy(dtype, shape, data, version=1):
    hdr = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (
        dtype, "(%s)" % "".join("%d," % d for d in shape) if len(shape) == 1 else str(tuple(shape)))
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(hdr) + 1) % 64) % 64
    hdr = (hdr + " " * pad + "\n").encode()
    size = struct.pack("<H", len(hdr)) if version == 1 else struct.pack("<I", len(hdr))
    return b"\x93NUMPY" + bytes([version, 0]) + size + hdr + data


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
    for d in ("pickle", "pth", "npy"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    P = lambda *a: os.path.join(root, *a)

    s0 = Storage("FloatStorage", "0", floats(*range(12)))
    s1 = Storage("HalfStorage", "1", struct.pack("<4H", 0x3c00, 0x4000, 0xbc00, 0x7bff))
    s2 = Storage("LongStorage", "2", struct.pack("<3q", 1, -2, 1 << 40))
    voice = Tensor(s0, 0, [3, 1, 4], [4, 4, 1])
    model = {
        "bert": collections.OrderedDict([
            ("module.embeddings.weight", Tensor(s0, 0, [3, 4], [4, 1])),
            ("module.t", Tensor(s0, 2, [2, 3], [1, 2])),
        ]),
        "decoder": collections.OrderedDict([
            ("module.generator.conv_post.weight_v", Tensor(s1, 0, [2, 2], [2, 1])),
            ("module.ids", Tensor(s2, 1, [2], [1])),
        ]),
    }
    sd = collections.OrderedDict([("module.w", Tensor(s0, 0, [12], [1])),
                                  ("module.p", Tensor(s0, 4, [4], [1], param=True))])
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("module", {"version": 1})])

    with open(P("pickle", "voice.pkl"), "wb") as f:
        f.write(dumps(voice))
    with open(P("pickle", "model.pkl"), "wb") as f:
        f.write(dumps(model))
    with open(P("pickle", "statedict.pkl"), "wb") as f:
        f.write(dumps(sd))
    with open(P("pickle", "statedict-proto4.pkl"), "wb") as f:
        f.write(dumps(sd, protocol=4))
    with open(P("pickle", "values-proto0.pkl"), "wb") as f:
        f.write(pickle.dumps({"a": [1, -2, 3.5, None, True], "b": (70000, -300, 1 << 62)}, protocol=0))
    with open(P("pickle", "os-system.pkl"), "wb") as f:
        f.write(b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.")

    # bare pickles: fuzz_pth wraps them with storages "0" (48 B), "1" (8 B), "2" (24 B)
    for name, obj in (("voice", voice), ("model", model), ("statedict", sd)):
        with open(P("pth", name + ".pkl"), "wb") as f:
            f.write(dumps(obj))
    save(P("pth", "voice.pt"), "voice", voice, [s0])
    save(P("pth", "model.pth"), "model", model, [s0, s1, s2])
    save(P("pth", "model-newlayout.pth"), "archive", model, [s0, s1, s2], newlayout=True)
    save(P("pth", "statedict.pth"), "sd", sd, [s0])

    with open(P("npy", "f4.npy"), "wb") as f:
        f.write(npy("<f4", [2, 3], floats(*range(6))))
    with open(P("npy", "i8.npy"), "wb") as f:
        f.write(npy("<i8", [3], struct.pack("<3q", 0, 5, -1)))
    with open(P("npy", "b1-scalar.npy"), "wb") as f:
        f.write(npy("|b1", [], b"\x01"))
    with open(P("npy", "f2-v2.npy"), "wb") as f:
        f.write(npy("<f2", [2, 1, 2], struct.pack("<4H", 0x3c00, 0, 0x8000, 0x7c00), version=2))
    for name, comp in (("stored.npz", zipfile.ZIP_STORED), ("deflated.npz", zipfile.ZIP_DEFLATED)):
        with zipfile.ZipFile(P("npy", name), "w", comp) as z:
            z.writestr("af_sky.npy", npy("<f4", [4, 1, 2], floats(*range(8))))
            z.writestr("am_adam.npy", npy("|u1", [3], b"abc"))


if __name__ == "__main__":
    main()
