"""The main snippets of PyTorch's "Autograd mechanics" notes, recorded by tools/golden/seeds.py.

`register(walk)` adds them with the same recorder as the seeds (ids start with "notes-").
"""

import torch


def register(walk):
    @walk("notes-1-no-grad", "no_grad as a block and as a decorator")
    def _(p, err):
        x = torch.tensor([1.0], requires_grad=True)
        with torch.no_grad():
            y = x * 2
            p(torch.is_grad_enabled())
        p(y.requires_grad)

        @torch.no_grad()
        def doubler(t):
            return t * 2

        z = doubler(x)
        p(z.requires_grad)
        p(torch.is_grad_enabled())

    @walk("notes-2-enable-grad", "enable_grad inside no_grad")
    def _(p, err):
        x = torch.tensor([1.0], requires_grad=True)
        with torch.no_grad():
            with torch.enable_grad():
                y = x * 2
        p(y.requires_grad)
        y.backward()
        p(x.grad)

        @torch.enable_grad()
        def doubler(t):
            return t * 2

        with torch.no_grad():
            z = doubler(x)
        p(z.requires_grad)

    @walk("notes-3-set-grad-enabled", "set_grad_enabled as a block and as a function")
    def _(p, err):
        x = torch.tensor([1.0], requires_grad=True)
        is_train = False
        with torch.set_grad_enabled(is_train):
            y = x * 2
        p(y.requires_grad)
        torch.set_grad_enabled(True)
        y = x * 2
        p(y.requires_grad)
        torch.set_grad_enabled(False)
        y = x * 2
        p(y.requires_grad)
        p(torch.is_grad_enabled())
        torch.set_grad_enabled(True)
        p(torch.is_grad_enabled())

    @walk("notes-4-inference-mode", "inference_mode: no recording, as under no_grad")
    def _(p, err):
        x = torch.ones(1, 2, 3, requires_grad=True)
        with torch.inference_mode():
            y = x * x
            p(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
        p(y.requires_grad)
        p(torch.is_inference_mode_enabled(), torch.is_grad_enabled())

        @torch.inference_mode()
        def func(t):
            return t * t

        out = func(x)
        p(out.requires_grad)
        p(out.shape)

    @walk("notes-5-leaf-inplace", "in-place on a leaf that requires grad, and on a view of one")
    def _(p, err):
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        err(lambda: w.mul_(2))
        err(lambda: w[0].mul_(2))
        with torch.no_grad():
            w.mul_(2)
        p(w)
        p(w._version)

    @walk("notes-6-version-counter", "version counters: shared by views and detach(), not by .data")
    def _(p, err):
        x = torch.ones(3)
        p(x._version)
        x.add_(1)
        p(x._version)
        v = x.view(3)
        v.mul_(2)
        p(x._version, v._version)
        x.detach().add_(1)
        p(x._version)
        d = x.data
        p(d._version)
        d.add_(1)
        p(x._version, d._version)
        p(x)

    @walk("notes-7-inplace-check", "the version check names the tensor and its grad_fn")
    def _(p, err):
        a = torch.tensor([1.0, 2.0], requires_grad=True)
        b = a * 1
        c = b * b
        b.add_(1)
        p(b._version)
        p(b.grad_fn)
        err(lambda: c.sum().backward())
        a2 = torch.tensor([1.0, 2.0], requires_grad=True)
        s = a2.sigmoid()  # SigmoidBackward0 saves its own output
        s.mul_(2)
        err(lambda: s.sum().backward())
        u = a2 * 1
        t = u + 5  # AddBackward0 saves nothing: changing u afterwards is harmless
        u.mul_(2)
        t.sum().backward()
        p(a2.grad)

    @walk("notes-8-retain-grad", "retain_grad keeps the gradient of a non-leaf")
    def _(p, err):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        p(y.retains_grad, x.retains_grad)
        z = (y * y).sum()
        z.backward()
        p(y.grad)
        p(x.grad)
        err(lambda: torch.ones(2).retain_grad())

    @walk("notes-9-hooks", "a tensor hook may replace the gradient; remove() takes it off")
    def _(p, err):
        v = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
        h = v.register_hook(lambda grad: grad * 2)
        v.backward(torch.tensor([1.0, 2.0, 3.0]))
        p(v.grad)
        h.remove()
        v.backward(torch.tensor([1.0, 2.0, 3.0]))
        p(v.grad)
        seen = []
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        y.register_hook(lambda g: seen.append(g.clone()))
        y.sum().backward()
        p(seen[0])
        p(x.grad)
        err(lambda: torch.ones(2).register_hook(lambda g: g))

    @walk("notes-10-detach", "detach shares storage and drops history")
    def _(p, err):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        d = y.detach()
        p(d, d.requires_grad, d.is_leaf, d.grad_fn)
        d.zero_()  # the same storage and the same version counter as y
        p(y)
        p(y._version)
        err(lambda: y.sum().backward())

    @walk("notes-11-grad-fn-graph", "grad_fn.next_functions walks the graph back to AccumulateGrad")
    def _(p, err):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = torch.tensor([3.0, 4.0])
        z = (x * y).sum()
        p(z.grad_fn)
        mul = z.grad_fn.next_functions[0][0]
        p(mul)
        p(mul.next_functions[0][0], mul.next_functions[0][1])
        p(mul.next_functions[1][0])
        p(x.grad_fn, z.is_leaf)

    @walk("notes-12-second-backward", "graph buffers are freed after backward unless retain_graph")
    def _(p, err):
        x = torch.tensor([1.5], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        p(x.grad)
        y.backward()
        p(x.grad)
        err(lambda: y.backward())

    @walk("notes-13-autograd-grad", "autograd.grad with create_graph gives a differentiable gradient")
    def _(p, err):
        x = torch.tensor(3.0, requires_grad=True)
        y = x ** 3
        (dy,) = torch.autograd.grad(y, x, create_graph=True)
        p(dy)
        p(dy.requires_grad)
        (d2y,) = torch.autograd.grad(dy, x)
        p(d2y)
        p(x.grad)
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        u = torch.tensor([5.0], requires_grad=True)
        err(lambda: torch.autograd.grad((w * 2).sum(), [w, u]))
        g = torch.autograd.grad((w * 2).sum(), [w, u], allow_unused=True)
        p(g[0], g[1])

    @walk("notes-14-data-setter", "setting .data keeps requires_grad and history")
    def _(p, err):
        w = torch.tensor([1.0, 2.0], requires_grad=True)
        w.data = torch.tensor([5.0, 6.0, 7.0])
        p(w)
        p(w.shape, w.is_leaf)
        (w * 2).sum().backward()
        p(w.grad)

    @walk("notes-15-copy-slices", "in-place through a view rebases the base's history (CopySlices)")
    def _(p, err):
        a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
        x = a.clone()
        v0 = x[0]
        v1 = x[1]
        vall = x[:]
        p(v0.grad_fn, v1.grad_fn, vall.grad_fn)
        v0.mul_(2)
        p(x.grad_fn, v0.grad_fn, v1.grad_fn, vall.grad_fn)
        p(x)
        p(v0)
        p(x.grad_fn.next_functions[0][0], x.grad_fn.next_functions[1][0])
        p(v0.grad_fn.next_functions[0][0])
        (vall * torch.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum().backward()
        p(a.grad)

    @walk("notes-16-copy-into-view", "copy_ and in-place ops into slices carry gradients to their sources")
    def _(p, err):
        b = torch.zeros(2, 2)
        src = torch.tensor([1.0, 2.0], requires_grad=True)
        b[0].copy_(src)
        p(b)
        p(b.requires_grad, b.is_leaf)
        (b * 3).sum().backward()
        p(src.grad)
        a = torch.arange(6.0).requires_grad_()
        x = a * 1
        v = x.view(2, 3)[:, 1]
        v.mul_(10)
        p(x)
        x.sum().backward()
        p(a.grad)
        base = torch.zeros(3)
        w = torch.tensor([2.0], requires_grad=True)
        base[1:2].mul_(w)
        p(base.grad_fn, base.requires_grad)
        p(base.grad_fn.next_functions[0][0], base.grad_fn.next_functions[1][0])
        base[1:2].add_(w)
        p(base)
        base.sum().backward()
        p(w.grad)

    @walk("notes-17-view-inplace-rules", "regenerated view history, double backward, and the forbidden cases")
    def _(p, err):
        a = torch.tensor([1.0, 2.0], requires_grad=True)
        x = a * 1
        w = x[0]
        with torch.no_grad():
            x.add_(1)
        p(w.grad_fn, x.grad_fn)
        p(w)
        y = a * 1
        err(lambda: y.unbind(0)[0].mul_(2))
        err(lambda: y.split(1)[1].mul_(2))
        with torch.no_grad():
            u = y[0]
        err(lambda: u.mul_(2))
        a2 = torch.tensor([1.0, 2.0], requires_grad=True)
        x2 = a2.clone()
        x2[0].mul_(a2[1])
        (g,) = torch.autograd.grad(x2.pow(2).sum(), a2, create_graph=True)
        p(g)
        g.sum().backward()
        p(a2.grad)

    @walk("notes-18-retain-grad-inplace", "retain_grad follows an in-place op on the tensor itself")
    def _(p, err):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 3
        y.retain_grad()
        y.mul_(2)
        y.sum().backward()
        p(y.grad, y.retains_grad)
        p(x.grad)

    @walk("notes-19-saved-output-inplace", "an in-place op that saves its result is checked like any saved tensor")
    def _(p, err):
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        y.exp_()
        p(y)
        y.sum().backward()
        p(x.grad)
        z = x * 1
        z.exp_()
        z.add_(1)
        p(z._version)
        err(lambda: z.sum().backward())
        w = x * 1
        v = w[0]
        v.exp_()
        v.add_(1)
        err(lambda: w.sum().backward())
