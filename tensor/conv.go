package tensor

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
)

// opUnfold is im2col; convolution and pooling are built from it and get their gradients from
// its backward (col2im) and from MatMul and MaxDim.
var (
	opUnfold  = defOp("Im2ColBackward0")
	opMaxPool = defOp("MaxPool2DWithIndicesBackward0")
)

// Window describes sliding windows over the last two dims: kernel size, stride, zero
// padding and dilation. Zero strides and dilations mean 1.
type Window struct {
	KH, KW int
	SH, SW int
	PH, PW int
	DH, DW int
}

func (w Window) withDefaults() Window {
	if w.SH == 0 {
		w.SH = 1
	}
	if w.SW == 0 {
		w.SW = 1
	}
	if w.DH == 0 {
		w.DH = 1
	}
	if w.DW == 0 {
		w.DW = 1
	}
	return w
}

func (t *Tensor) geometry(op string, w Window) backend.ConvGeometry {
	if t.Dim() != 4 {
		panic(fmt.Sprintf("%s: expected a 4-D input [N, C, H, W], got shape %v", op, t.layout.Shape))
	}
	s := t.layout.Shape
	g := backend.ConvGeometry{N: s[0], C: s[1], H: s[2], W: s[3], KH: w.KH, KW: w.KW, SH: w.SH, SW: w.SW, PH: w.PH, PW: w.PW, DH: w.DH, DW: w.DW}
	if w.KH <= 0 || w.KW <= 0 || w.SH <= 0 || w.SW <= 0 || w.DH <= 0 || w.DW <= 0 || w.PH < 0 || w.PW < 0 {
		panic(fmt.Sprintf("%s: invalid window %+v", op, w))
	}
	if g.OutH() <= 0 || g.OutW() <= 0 || g.H+2*g.PH < g.DH*(g.KH-1)+1 || g.W+2*g.PW < g.DW*(g.KW-1)+1 {
		panic(fmt.Sprintf("%s: input %v is too small for kernel %dx%d with padding %dx%d and dilation %dx%d", op, s, w.KH, w.KW, w.PH, w.PW, w.DH, w.DW))
	}
	return g
}

// Unfold extracts sliding windows like torch.nn.functional.unfold: x [N, C, H, W] becomes
// [N, C·KH·KW, L] with one column per window position (row-major over the output grid).
func (t *Tensor) Unfold(w Window) *Tensor { return t.unfold("unfold", w.withDefaults(), 0) }

func (t *Tensor) unfold(op string, w Window, pad float64) *Tensor {
	x := t.floatInput()
	g := x.geometry(op, w)
	rows, L := g.C*g.KH*g.KW, g.OutH()*g.OutW()
	out := x.zeros(x.DType(), g.N, rows, L)
	out.be().Im2Col(out.storage, x.storage, x.layout, g, pad)
	return record(opUnfold, out, []*Tensor{x}, func(gr *Tensor) []*Tensor {
		img := gr.zeros(gr.DType(), g.N, g.C, g.H, g.W)
		img.be().Col2Im(img.storage, gr.storage, gr.layout, g)
		return []*Tensor{img}
	})
}

// Conv2dOptions are a 2-D convolution's settings; zero values take PyTorch's defaults
// (stride 1, padding 0, dilation 1, 1 group). SamePadding pads so the output keeps the
// input's size (stride 1 only), like padding='same'.
type Conv2dOptions struct {
	Stride, Padding, Dilation [2]int
	Groups                    int
	SamePadding               bool
}

// Conv2d is torch.nn.functional.conv2d: x [N, C, H, W], weight [O, C/groups, KH, KW], optional
// bias [O]; the result is [N, O, OH, OW]. It is im2col (Unfold) followed by a matrix product,
// so its gradients come from theirs.
func Conv2d(x, weight, bias *Tensor, o Conv2dOptions) *Tensor {
	return Conv2dAct(x, weight, bias, o, ActNone)
}

// Conv2dAct is Conv2d followed by an activation (ActNone or ActReLU), computed in one op: the
// images are unfolded a few at a time into a cache-sized buffer, multiplied by the filters, and
// written with bias and activation; backward unfolds them again instead of keeping the columns.
func Conv2dAct(x, weight, bias *Tensor, o Conv2dOptions, act string) *Tensor {
	if act != ActNone && act != ActReLU {
		panic(fmt.Sprintf("conv2d: unsupported fused activation %q (want \"\" or relu)", act))
	}
	if weight.Dim() != 4 || x.Dim() != 4 {
		panic(fmt.Sprintf("conv2d: expected input [N, C, H, W] and weight [O, C/groups, KH, KW], got %v and %v", x.layout.Shape, weight.layout.Shape))
	}
	groups := max(o.Groups, 1)
	out, cg, kh, kw := weight.layout.Shape[0], weight.layout.Shape[1], weight.layout.Shape[2], weight.layout.Shape[3]
	n, c := x.layout.Shape[0], x.layout.Shape[1]
	if c != cg*groups || out%groups != 0 {
		panic(fmt.Sprintf("conv2d: input %v with %d groups does not match weight %v (expected %d input channels)", x.layout.Shape, groups, weight.layout.Shape, cg*groups))
	}
	if bias != nil && (bias.Dim() != 1 || bias.layout.Shape[0] != out) {
		panic(fmt.Sprintf("conv2d: bias %v does not match %d output channels", bias.layout.Shape, out))
	}
	w := Window{KH: kh, KW: kw, SH: o.Stride[0], SW: o.Stride[1], PH: o.Padding[0], PW: o.Padding[1], DH: o.Dilation[0], DW: o.Dilation[1]}.withDefaults()
	if o.SamePadding {
		if w.SH != 1 || w.SW != 1 {
			panic("conv2d: padding='same' is not supported for strided convolutions")
		}
		totalH, totalW := w.DH*(kh-1), w.DW*(kw-1)
		if totalH%2 != 0 || totalW%2 != 0 {
			// PyTorch pads the extra row/column at the end; do it explicitly.
			x = x.Pad([]int{totalW / 2, totalW - totalW/2, totalH / 2, totalH - totalH/2}, 0)
			w.PH, w.PW = 0, 0
		} else {
			w.PH, w.PW = totalH/2, totalW/2
		}
	}
	if groups == 1 {
		return conv2dFused(x, weight, bias, w, act)
	}
	og := out / groups
	var parts []*Tensor
	for gi := range groups {
		xg := x
		if groups > 1 {
			xg = x.Narrow(1, gi*cg, cg)
		}
		cols := xg.Unfold(w) // [N, cg·kh·kw, L]
		wg := weight
		if groups > 1 {
			wg = weight.Narrow(0, gi*og, og)
		}
		parts = append(parts, wg.Reshape(og, cg*kh*kw).MatMul(cols)) // [N, og, L]
	}
	y := parts[0]
	if groups > 1 {
		y = Cat(parts, 1)
	}
	if bias != nil {
		y = y.Add(bias.Reshape(out, 1))
	}
	g := x.geometry("conv2d", w)
	y = y.Reshape(n, out, g.OutH(), g.OutW())
	if act == ActReLU {
		y = y.ReLU()
	}
	return y
}

// opConv2d is the fused convolution (PyTorch shows ConvolutionBackward0).
var opConv2d = defOp("ConvolutionBackward0")

// conv2dFused runs a one-group convolution through the backend's fused kernels.
func conv2dFused(x, weight, bias *Tensor, w Window, act string) *Tensor {
	dt, xs, ws, bs := affineOperands("conv2d", x, weight, bias)
	// The kernels read the filters and the bias as bare storages.
	ws = dense(ws.plain())
	if bs != nil {
		bs = dense(bs.plain())
	}
	g := xs.geometry("conv2d", w)
	outC := ws.layout.Shape[0]
	op := actOp(act)
	y := xs.zeros(dt, g.N, outC, g.OutH(), g.OutW())
	be := y.be()
	var bstore backend.Storage
	if bs != nil {
		bstore = bs.storage
	}
	be.Conv2d(y.storage, xs.storage, xs.layout, ws.storage, bstore, g, outC, op)
	inputs := []*Tensor{x, weight}
	if bias != nil {
		inputs = append(inputs, bias)
	}
	return record(opConv2d, y, inputs, func(gr *Tensor) []*Tensor {
		gr = dense(gr)
		grads := make([]*Tensor, len(inputs))
		var dx, dw, db backend.Storage
		if x.requiresGrad {
			grads[0] = xs.zeros(dt, g.N, g.C, g.H, g.W)
			dx = grads[0].storage
		}
		if weight.requiresGrad {
			grads[1] = xs.zeros(dt, weight.layout.Shape...)
			dw = grads[1].storage
		}
		if bias != nil && bias.requiresGrad {
			grads[2] = xs.zeros(dt, outC)
			db = grads[2].storage
		}
		be.Conv2dBackward(dx, dw, db, gr.storage, y.storage, xs.storage, xs.layout, ws.storage, g, outC, op)
		return grads
	})
}

// PoolOptions are a pooling layer's settings: kernel, stride (zero means the kernel size, as
// in PyTorch), padding and dilation (max pooling only).
type PoolOptions struct {
	Kernel, Stride, Padding, Dilation [2]int
}

func (o PoolOptions) window(op string) Window {
	if o.Stride == [2]int{} {
		o.Stride = o.Kernel
	}
	if o.Padding[0]*2 > o.Kernel[0] || o.Padding[1]*2 > o.Kernel[1] {
		panic(fmt.Sprintf("%s: padding %v should be at most half of the kernel size %v", op, o.Padding, o.Kernel))
	}
	return Window{KH: o.Kernel[0], KW: o.Kernel[1], SH: o.Stride[0], SW: o.Stride[1], PH: o.Padding[0], PW: o.Padding[1], DH: o.Dilation[0], DW: o.Dilation[1]}.withDefaults()
}

// MaxPool2d takes the maximum of each window of x [N, C, H, W] (padding counts as −inf; NaN
// propagates; the gradient goes to the first maximum), like F.max_pool2d.
func (t *Tensor) MaxPool2d(o PoolOptions) *Tensor {
	v, _ := t.maxPool("max_pool2d", o)
	return v
}

// MaxPool2dWithIndices also returns, like return_indices=True, the flat index (over H·W of the
// input) of each maximum.
func (t *Tensor) MaxPool2dWithIndices(o PoolOptions) (values, indices *Tensor) {
	return t.maxPool("max_pool2d", o)
}

func (t *Tensor) maxPool(op string, o PoolOptions) (*Tensor, *Tensor) {
	x := t.floatInput()
	w := o.window(op)
	g := x.geometry(op, w)
	n, c, oh, ow := g.N, g.C, g.OutH(), g.OutW()
	vals := x.zeros(x.DType(), n, c, oh, ow)
	idx := x.zeros(Int64, n, c, oh, ow)
	vals.be().MaxPool2d(vals.storage, idx.storage, x.storage, x.layout, g)
	vals = record(opMaxPool, vals, []*Tensor{x}, func(gr *Tensor) []*Tensor {
		// The gradient goes to each window's maximum.
		gr = dense(gr)
		dx := gr.zeros(gr.DType(), n, c, g.H, g.W)
		dx.be().MaxPool2dBackward(dx.storage, gr.storage, idx.storage, g)
		return []*Tensor{dx}
	})
	return vals, idx
}

// AvgPool2d averages each window of x [N, C, H, W], counting zero padding (PyTorch's default
// count_include_pad=True), like F.avg_pool2d.
func (t *Tensor) AvgPool2d(o PoolOptions) *Tensor {
	w := o.window("avg_pool2d")
	w.DH, w.DW = 1, 1
	g := t.geometry("avg_pool2d", w)
	cols := t.Reshape(g.N*g.C, 1, g.H, g.W).unfold("avg_pool2d", w, 0)
	return cols.MeanDims([]int{1}, false).Reshape(g.N, g.C, g.OutH(), g.OutW())
}

// Conv1dOptions are a 1-D convolution's settings (zero values as PyTorch's defaults).
type Conv1dOptions struct {
	Stride, Padding, Dilation int
	Groups                    int
	SamePadding               bool
}

// Conv1d is torch.nn.functional.conv1d: x [N, C, L], weight [O, C/groups, K], optional bias
// [O] → [N, O, L_out]; it runs as a 2-D convolution over a height of 1.
func Conv1d(x, weight, bias *Tensor, o Conv1dOptions) *Tensor {
	if x.Dim() != 3 || weight.Dim() != 3 {
		panic(fmt.Sprintf("conv1d: expected input [N, C, L] and weight [O, C/groups, K], got %v and %v", x.layout.Shape, weight.layout.Shape))
	}
	stride, dil := max(o.Stride, 1), max(o.Dilation, 1)
	return Conv2d(x.Unsqueeze(2), weight.Unsqueeze(2), bias, Conv2dOptions{
		Stride: [2]int{1, stride}, Padding: [2]int{0, o.Padding}, Dilation: [2]int{1, dil}, Groups: o.Groups, SamePadding: o.SamePadding,
	}).Squeeze(2)
}

func pool1d(o PoolOptions) PoolOptions {
	return PoolOptions{Kernel: [2]int{1, o.Kernel[0]}, Stride: [2]int{1, max(o.Stride[0], 0)}, Padding: [2]int{0, o.Padding[0]}, Dilation: [2]int{1, max(o.Dilation[0], 1)}}
}

// MaxPool1d is max pooling over the last dim of x [N, C, L]; only the first element of each
// option pair is used (stride 0 means the kernel size).
func (t *Tensor) MaxPool1d(o PoolOptions) *Tensor {
	p := pool1d(o)
	if o.Stride[0] == 0 {
		p.Stride[1] = o.Kernel[0]
	}
	return t.Unsqueeze(2).MaxPool2d(p).Squeeze(2)
}

// AvgPool1d is average pooling over the last dim of x [N, C, L] (padding counted).
func (t *Tensor) AvgPool1d(o PoolOptions) *Tensor {
	p := pool1d(o)
	if o.Stride[0] == 0 {
		p.Stride[1] = o.Kernel[0]
	}
	return t.Unsqueeze(2).AvgPool2d(p).Squeeze(2)
}

// AdaptiveAvgPool2d averages x [N, C, H, W] into an oh×ow grid whose cell i covers rows
// ⌊i·H/oh⌋ to ⌈(i+1)·H/oh⌉ (and likewise for columns), like F.adaptive_avg_pool2d.
func (t *Tensor) AdaptiveAvgPool2d(oh, ow int) *Tensor {
	if t.Dim() != 4 || oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("adaptive_avg_pool2d: expected [N, C, H, W] input and a positive output size, got %v and %dx%d", t.layout.Shape, oh, ow))
	}
	h, w := t.layout.Shape[2], t.layout.Shape[3]
	if h%oh == 0 && w%ow == 0 {
		return t.AvgPool2d(PoolOptions{Kernel: [2]int{h / oh, w / ow}})
	}
	var rows []*Tensor
	for i := range oh {
		r0, r1 := i*h/oh, ((i+1)*h+oh-1)/oh
		var cells []*Tensor
		for j := range ow {
			c0, c1 := j*w/ow, ((j+1)*w+ow-1)/ow
			cells = append(cells, t.Narrow(2, r0, r1-r0).Narrow(3, c0, c1-c0).MeanDims([]int{2, 3}, false))
		}
		rows = append(rows, Stack(cells, 2)) // [N, C, ow]
	}
	return Stack(rows, 2) // [N, C, oh, ow]
}

// AdaptiveAvgPool1d averages x [N, C, L] into n cells, like F.adaptive_avg_pool1d.
func (t *Tensor) AdaptiveAvgPool1d(n int) *Tensor {
	if t.Dim() != 3 {
		panic(fmt.Sprintf("adaptive_avg_pool1d: expected [N, C, L] input, got %v", t.layout.Shape))
	}
	return t.Unsqueeze(2).AdaptiveAvgPool2d(1, n).Squeeze(2)
}

// opFold is col2im as a differentiable op (the gradient is im2col).
var opFold = defOp("Col2ImBackward0")

// Fold sums sliding-window columns cols [N, C·KH·KW, L] back into images [N, C, outH, outW],
// like torch.nn.functional.fold; it is Unfold's adjoint.
func (t *Tensor) Fold(outH, outW int, w Window) *Tensor {
	w = w.withDefaults()
	if t.Dim() != 3 || w.KH <= 0 || w.KW <= 0 || t.layout.Shape[1]%(w.KH*w.KW) != 0 {
		panic(fmt.Sprintf("fold: expected columns [N, C·%d·%d, L], got %v", w.KH, w.KW, t.layout.Shape))
	}
	c := t.layout.Shape[1] / (w.KH * w.KW)
	g := backend.ConvGeometry{N: t.layout.Shape[0], C: c, H: outH, W: outW, KH: w.KH, KW: w.KW, SH: w.SH, SW: w.SW, PH: w.PH, PW: w.PW, DH: w.DH, DW: w.DW}
	if g.OutH() <= 0 || g.OutW() <= 0 || g.OutH()*g.OutW() != t.layout.Shape[2] {
		panic(fmt.Sprintf("fold: %d columns do not match output %dx%d with window %+v", t.layout.Shape[2], outH, outW, w))
	}
	x := t.floatInput()
	img := x.zeros(x.DType(), g.N, c, outH, outW)
	img.be().Col2Im(img.storage, x.storage, x.layout, g)
	return record(opFold, img, []*Tensor{x}, func(gr *Tensor) []*Tensor {
		cols := gr.zeros(gr.DType(), g.N, c*w.KH*w.KW, g.OutH()*g.OutW())
		cols.be().Im2Col(cols.storage, gr.storage, gr.layout, g, 0)
		return []*Tensor{cols}
	})
}

// ConvTranspose2dOptions are a transposed convolution's settings (zero values as PyTorch's
// defaults); OutputPadding adds rows and columns at the end to resolve the output size.
type ConvTranspose2dOptions struct {
	Stride, Padding, Dilation, OutputPadding [2]int
	Groups                                   int
}

// ConvTranspose2d is torch.nn.functional.conv_transpose2d: x [N, Cin, H, W], weight
// [Cin, Cout/groups, KH, KW], optional bias [Cout]. It is a matrix product followed by Fold.
func ConvTranspose2d(x, weight, bias *Tensor, o ConvTranspose2dOptions) *Tensor {
	if x.Dim() != 4 || weight.Dim() != 4 {
		panic(fmt.Sprintf("conv_transpose2d: expected input [N, Cin, H, W] and weight [Cin, Cout/groups, KH, KW], got %v and %v", x.layout.Shape, weight.layout.Shape))
	}
	groups := max(o.Groups, 1)
	n, cin, h, wd := x.layout.Shape[0], x.layout.Shape[1], x.layout.Shape[2], x.layout.Shape[3]
	wcin, cg, kh, kw := weight.layout.Shape[0], weight.layout.Shape[1], weight.layout.Shape[2], weight.layout.Shape[3]
	if cin != wcin || cin%groups != 0 {
		panic(fmt.Sprintf("conv_transpose2d: input %v does not match weight %v with %d groups", x.layout.Shape, weight.layout.Shape, groups))
	}
	win := Window{KH: kh, KW: kw, SH: o.Stride[0], SW: o.Stride[1], PH: o.Padding[0], PW: o.Padding[1], DH: o.Dilation[0], DW: o.Dilation[1]}.withDefaults()
	if o.OutputPadding[0] >= max(win.SH, win.DH) || o.OutputPadding[1] >= max(win.SW, win.DW) {
		panic(fmt.Sprintf("conv_transpose2d: output padding %v must be smaller than stride or dilation", o.OutputPadding))
	}
	outH := (h-1)*win.SH - 2*win.PH + win.DH*(kh-1) + o.OutputPadding[0] + 1
	outW := (wd-1)*win.SW - 2*win.PW + win.DW*(kw-1) + o.OutputPadding[1] + 1
	ci := cin / groups
	var parts []*Tensor
	for gi := range groups {
		xg, wg := x, weight
		if groups > 1 {
			xg, wg = x.Narrow(1, gi*ci, ci), weight.Narrow(0, gi*ci, ci)
		}
		cols := wg.Reshape(ci, cg*kh*kw).T().MatMul(xg.Reshape(n, ci, h*wd)) // [N, cg·kh·kw, H·W]
		parts = append(parts, cols.Fold(outH, outW, win))
	}
	y := parts[0]
	if groups > 1 {
		y = Cat(parts, 1)
	}
	if bias != nil {
		y = y.Add(bias.Reshape(-1, 1, 1))
	}
	return y
}

// Upsample resizes x [N, C, H, W] to outH×outW, with mode "nearest" (index ⌊i·H/outH⌋) or
// "bilinear" (align_corners=False), like F.interpolate with a size.
func (t *Tensor) Upsample(outH, outW int, mode string) *Tensor {
	if t.Dim() != 4 || outH <= 0 || outW <= 0 {
		panic(fmt.Sprintf("upsample: expected [N, C, H, W] input and a positive size, got %v and %dx%d", t.layout.Shape, outH, outW))
	}
	h, w := t.layout.Shape[2], t.layout.Shape[3]
	return t.resize(outH, outW, float64(h)/float64(outH), float64(w)/float64(outW), mode)
}

// UpsampleScale resizes x [N, C, H, W] by scale factors, like F.interpolate(x,
// scale_factor=(sh, sw)): the output is ⌊H·sh⌋×⌊W·sw⌋ and source positions are output
// positions divided by the factors themselves (PyTorch's rule when recompute_scale_factor is
// not set), so non-integer factors give PyTorch's numbers.
func (t *Tensor) UpsampleScale(sh, sw float64, mode string) *Tensor {
	if t.Dim() != 4 || !(sh > 0) || !(sw > 0) {
		panic(fmt.Sprintf("upsample: expected [N, C, H, W] input and positive scale factors, got %v and %v×%v", t.layout.Shape, sh, sw))
	}
	h, w := t.layout.Shape[2], t.layout.Shape[3]
	outH, outW := int(math.Floor(float64(h)*sh)), int(math.Floor(float64(w)*sw))
	if outH <= 0 || outW <= 0 {
		panic(fmt.Sprintf("upsample: scale factors %v×%v shrink %v to nothing", sh, sw, t.layout.Shape))
	}
	return t.resize(outH, outW, 1/sh, 1/sw, mode)
}

// resize maps output position i of each axis to source position i·ratio (nearest) or
// (i + ½)·ratio − ½ (bilinear).
func (t *Tensor) resize(outH, outW int, rh, rw float64, mode string) *Tensor {
	h, w := t.layout.Shape[2], t.layout.Shape[3]
	switch mode {
	case "nearest":
		dev := t.Device()
		return t.IndexSelect(2, nearestIndex(h, outH, rh).To(dev)).IndexSelect(3, nearestIndex(w, outW, rw).To(dev))
	case "bilinear":
		return lerpAxis(lerpAxis(t, 2, outH, rh), 3, outW, rw)
	}
	panic(fmt.Sprintf("upsample: unknown mode %q (want nearest or bilinear)", mode))
}

func nearestIndex(in, out int, ratio float64) *Tensor {
	idx := make([]int64, out)
	// PyTorch computes the source index in float32: ⌊i·ratio⌋, exact for out = in and 2·in.
	r := float32(ratio)
	for i := range idx {
		switch {
		case out == in:
			idx[i] = int64(i)
		case out == 2*in:
			idx[i] = int64(i / 2)
		default:
			idx[i] = int64(min(int(float32(i)*r), in-1))
		}
	}
	return FromSlice(idx)
}

// lerpAxis resamples dim of t to out positions by linear interpolation at source coordinates
// (i + 0.5)·in/out − 0.5, clamped at 0 (PyTorch's align_corners=False).
func lerpAxis(t *Tensor, dim, out int, ratio float64) *Tensor {
	in := t.layout.Shape[dim]
	lo, hi := make([]int64, out), make([]int64, out)
	lam := make([]float64, out)
	for i := range out {
		src := math.Max((float64(i)+0.5)*ratio-0.5, 0)
		i0 := min(int(src), in-1)
		lo[i], hi[i] = int64(i0), int64(min(i0+1, in-1))
		lam[i] = src - float64(i0)
	}
	shape := make([]int, t.Dim())
	for i := range shape {
		shape[i] = 1
	}
	shape[dim] = out
	dev := t.Device()
	l := FromSlice(lam).To(t.DType()).To(dev).Reshape(shape...)
	a, b := t.IndexSelect(dim, FromSlice(lo).To(dev)), t.IndexSelect(dim, FromSlice(hi).To(dev))
	return a.Mul(l.RSubScalar(1)).Add(b.Mul(l))
}

// ConvTranspose1dOptions are a 1-D transposed convolution's settings; zero values take
// PyTorch's defaults (stride 1, padding 0, output padding 0, dilation 1, 1 group).
type ConvTranspose1dOptions struct {
	Stride, Padding, Dilation, OutputPadding int
	Groups                                   int
}

// ConvTranspose1d is torch.nn.functional.conv_transpose1d: x [N, Cin, L], weight
// [Cin, Cout/groups, K], optional bias; it runs as a 2-D transposed convolution over a height
// of 1.
func ConvTranspose1d(x, weight, bias *Tensor, o ConvTranspose1dOptions) *Tensor {
	if x.Dim() != 3 || weight.Dim() != 3 {
		panic(fmt.Sprintf("conv_transpose1d: expected input [N, Cin, L] and weight [Cin, Cout/groups, K], got %v and %v", x.layout.Shape, weight.layout.Shape))
	}
	o2 := ConvTranspose2dOptions{Stride: [2]int{1, o.Stride}, Padding: [2]int{0, o.Padding}, Dilation: [2]int{1, o.Dilation},
		OutputPadding: [2]int{0, o.OutputPadding}, Groups: o.Groups}
	return ConvTranspose2d(x.Unsqueeze(2), weight.Unsqueeze(2), bias, o2).Squeeze(2)
}

// dense returns t when its elements fill the start of its storage in row-major order, else a
// contiguous copy: what kernels that take bare storages need.
func dense(t *Tensor) *Tensor {
	if t.IsContiguous() && t.layout.Offset == 0 {
		return t
	}
	return t.Clone()
}
