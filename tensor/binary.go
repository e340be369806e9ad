package tensor

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
)

// Grad-fn names of binary ops.
var (
	opAdd      = defOp("AddBackward0")
	opSub      = defOp("SubBackward0")
	opMul      = defOp("MulBackward0")
	opDiv      = defOp("DivBackward0")
	opPow      = defOp("PowBackward1")
	opMaximum  = defOp("MaximumBackward0")
	opMinimum  = defOp("MinimumBackward0")
	opWhere    = defOp("WhereBackward0")
	opMaskFill = defOp("MaskedFillBackward0")
)

// PromoteTypes returns the dtype of a binary op's result: bool < int64 < float32 < float64.
func PromoteTypes(a, b DType) DType {
	rank := func(d DType) int {
		switch d {
		case Bool:
			return 0
		case Int64:
			return 1
		case Float32:
			return 2
		}
		return 3
	}
	if rank(a) >= rank(b) {
		return a
	}
	return b
}

// sameDevice panics unless a and b live on the same device ("add: cpu and meta tensors").
func sameDevice(op string, a, b *Tensor) {
	if a.bk != b.bk {
		panic(fmt.Sprintf("%s: %s and %s tensors (expected all tensors on one device)", op, a.Device(), b.Device()))
	}
}

// binaryKernel broadcasts a and b, converts both to dt and runs op; no autograd.
func binaryKernel(name string, op backend.BinaryOp, a, b *Tensor, dt DType) *Tensor {
	sameDevice(name, a, b)
	shape := mustBroadcast(name, a.layout.Shape, b.layout.Shape)
	ac, bc := a, b
	if a.DType() != dt || b.DType() != dt {
		ac, bc = a.plain().To(dt), b.plain().To(dt)
	}
	outDT := dt
	if op.IsComparison() {
		outDT = Bool
	}
	out := a.zeros(outDT, shape...)
	out.be().Binary(op, out.storage, ac.storage, ac.expandLayout(name, shape), bc.storage, bc.expandLayout(name, shape))
	return out
}

func arith(name string, op backend.BinaryOp, a, b *Tensor) *Tensor {
	dt := PromoteTypes(a.DType(), b.DType())
	if dt == Bool {
		dt = Int64
	}
	return binaryKernel(name, op, a, b, dt)
}

// scalarLike returns v as a 0-d tensor whose dtype keeps t's dtype under promotion:
// t's dtype for floats, int64 for integral v with integer t, float32 otherwise.
func scalarLike(t *Tensor, v float64) *Tensor {
	dt := t.DType()
	if !dt.IsFloat() && (v != math.Trunc(v) || math.IsInf(v, 0)) {
		dt = Float32
	}
	if dt == Bool {
		dt = Int64
	}
	return fullOn(t.bk, dt, v)
}

// Add returns t + u with broadcasting.
func (t *Tensor) Add(u *Tensor) *Tensor {
	out := arith("add", backend.Add, t, u)
	ts, us := t.layout.Shape, u.layout.Shape
	return record(opAdd, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor { return []*Tensor{sumTo(g, ts), sumTo(g, us)} })
}

// Sub returns t - u with broadcasting.
func (t *Tensor) Sub(u *Tensor) *Tensor {
	out := arith("sub", backend.Sub, t, u)
	ts, us := t.layout.Shape, u.layout.Shape
	return record(opSub, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor { return []*Tensor{sumTo(g, ts), sumTo(g.Neg(), us)} })
}

// Mul returns t · u elementwise with broadcasting.
func (t *Tensor) Mul(u *Tensor) *Tensor {
	out := arith("mul", backend.Mul, t, u)
	return record(opMul, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor {
		return []*Tensor{gradIf(t, func() *Tensor { return sumTo(g.Mul(u), t.layout.Shape) }), gradIf(u, func() *Tensor { return sumTo(g.Mul(t), u.layout.Shape) })}
	})
}

// Div returns t / u elementwise with broadcasting (true division: integers give float32).
func (t *Tensor) Div(u *Tensor) *Tensor {
	dt := PromoteTypes(t.DType(), u.DType())
	if !dt.IsFloat() {
		dt = Float32
	}
	out := binaryKernel("div", backend.Div, t, u, dt)
	return record(opDiv, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor {
		return []*Tensor{
			gradIf(t, func() *Tensor { return sumTo(g.Div(u), t.layout.Shape) }),
			gradIf(u, func() *Tensor { return sumTo(g.Neg().Mul(t).Div(u.Mul(u)), u.layout.Shape) }),
		}
	})
}

// Pow returns t raised to the power u elementwise with broadcasting.
// As in PyTorch, the gradient for the exponent is 0 where t is 0 and u ≥ 0.
func (t *Tensor) Pow(u *Tensor) *Tensor {
	out := arith("pow", backend.Pow, t, u)
	return record(opPow, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor {
		return []*Tensor{
			gradIf(t, func() *Tensor {
				gt := g.Mul(u).Mul(t.Pow(u.SubScalar(1)))
				return sumTo(Where(u.EqScalar(0), ZerosLike(gt), gt), t.layout.Shape)
			}),
			gradIf(u, func() *Tensor {
				gu := g.Mul(out).Mul(t.Log())
				return sumTo(Where(t.EqScalar(0).LogicalAnd(u.GeScalar(0)), ZerosLike(gu), gu), u.layout.Shape)
			}),
		}
	})
}

// gradIf computes a gradient only for inputs that need one.
func gradIf(t *Tensor, f func() *Tensor) *Tensor {
	if !t.requiresGrad {
		return nil
	}
	return f()
}

// Maximum returns the elementwise maximum, propagating NaN. Ties split the gradient in half.
func (t *Tensor) Maximum(u *Tensor) *Tensor {
	return t.extremum("maximum", opMaximum, backend.Maximum, u)
}

// Minimum returns the elementwise minimum, propagating NaN. Ties split the gradient in half.
func (t *Tensor) Minimum(u *Tensor) *Tensor {
	return t.extremum("minimum", opMinimum, backend.Minimum, u)
}

func (t *Tensor) extremum(name, gradName string, op backend.BinaryOp, u *Tensor) *Tensor {
	out := arith(name, op, t, u)
	return record(gradName, out, []*Tensor{t, u}, func(g *Tensor) []*Tensor {
		half := Where(t.Eq(u), g.MulScalar(0.5), g)
		tWins, uWins := t.Gt(u), t.Lt(u)
		if op == backend.Minimum {
			tWins, uWins = uWins, tWins
		}
		zero := ZerosLike(half)
		return []*Tensor{
			sumTo(Where(uWins, zero, half), t.layout.Shape),
			sumTo(Where(tWins, zero, half), u.layout.Shape),
		}
	})
}

// Comparisons return Bool masks.

// Eq returns t == u elementwise.
func (t *Tensor) Eq(u *Tensor) *Tensor { return t.compare("eq", backend.Eq, u) }

// Ne returns t != u elementwise.
func (t *Tensor) Ne(u *Tensor) *Tensor { return t.compare("ne", backend.Ne, u) }

// Lt returns t < u elementwise.
func (t *Tensor) Lt(u *Tensor) *Tensor { return t.compare("lt", backend.Lt, u) }

// Le returns t <= u elementwise.
func (t *Tensor) Le(u *Tensor) *Tensor { return t.compare("le", backend.Le, u) }

// Gt returns t > u elementwise.
func (t *Tensor) Gt(u *Tensor) *Tensor { return t.compare("gt", backend.Gt, u) }

// Ge returns t >= u elementwise.
func (t *Tensor) Ge(u *Tensor) *Tensor { return t.compare("ge", backend.Ge, u) }

func (t *Tensor) compare(name string, op backend.BinaryOp, u *Tensor) *Tensor {
	return binaryKernel(name, op, t, u, PromoteTypes(t.DType(), u.DType()))
}

// LogicalAnd returns t && u for masks (non-zero is true).
func (t *Tensor) LogicalAnd(u *Tensor) *Tensor {
	return binaryKernel("logical_and", backend.And, t, u, Bool)
}

// LogicalOr returns t || u for masks (non-zero is true).
func (t *Tensor) LogicalOr(u *Tensor) *Tensor {
	return binaryKernel("logical_or", backend.Or, t, u, Bool)
}

// LogicalNot returns !t for a mask (non-zero is true).
func (t *Tensor) LogicalNot() *Tensor {
	b := t.To(Bool)
	out := t.zeros(Bool, t.layout.Shape...)
	t.be().Unary(backend.Not, backend.UnaryParams{}, out.storage, b.storage, b.layout)
	return out
}

// Scalar forms keep t's dtype where the value allows it.

// AddScalar returns t + v.
func (t *Tensor) AddScalar(v float64) *Tensor { return t.Add(scalarLike(t, v)) }

// SubScalar returns t - v.
func (t *Tensor) SubScalar(v float64) *Tensor { return t.Sub(scalarLike(t, v)) }

// RSubScalar returns v - t.
func (t *Tensor) RSubScalar(v float64) *Tensor { return scalarLike(t, v).Sub(t) }

// MulScalar returns t · v.
func (t *Tensor) MulScalar(v float64) *Tensor { return t.Mul(scalarLike(t, v)) }

// DivScalar returns t / v.
func (t *Tensor) DivScalar(v float64) *Tensor { return t.Div(scalarLike(t, v)) }

// EqScalar returns t == v elementwise.
func (t *Tensor) EqScalar(v float64) *Tensor { return t.Eq(scalarLike(t, v)) }

// NeScalar returns t != v elementwise.
func (t *Tensor) NeScalar(v float64) *Tensor { return t.Ne(scalarLike(t, v)) }

// LtScalar returns t < v elementwise.
func (t *Tensor) LtScalar(v float64) *Tensor { return t.Lt(scalarLike(t, v)) }

// LeScalar returns t <= v elementwise.
func (t *Tensor) LeScalar(v float64) *Tensor { return t.Le(scalarLike(t, v)) }

// GtScalar returns t > v elementwise.
func (t *Tensor) GtScalar(v float64) *Tensor { return t.Gt(scalarLike(t, v)) }

// GeScalar returns t >= v elementwise.
func (t *Tensor) GeScalar(v float64) *Tensor { return t.Ge(scalarLike(t, v)) }

// Where returns cond ? a : b elementwise with broadcasting; cond is a mask.
func Where(cond, a, b *Tensor) *Tensor {
	sameDevice("where", a, b)
	sameDevice("where", cond, a)
	shape := mustBroadcast("where", mustBroadcast("where", cond.layout.Shape, a.layout.Shape), b.layout.Shape)
	dt := PromoteTypes(a.DType(), b.DType())
	ac, bc, cc := a.plain().To(dt), b.plain().To(dt), cond.plain().To(Bool)
	out := a.zeros(dt, shape...)
	out.be().Where(out.storage, cc.storage, cc.expandLayout("where", shape), ac.storage, ac.expandLayout("where", shape), bc.storage, bc.expandLayout("where", shape))
	return record(opWhere, out, []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		z := ZerosLike(g)
		return []*Tensor{
			gradIf(a, func() *Tensor { return sumTo(Where(cc, g, z), a.layout.Shape) }),
			gradIf(b, func() *Tensor { return sumTo(Where(cc, z, g), b.layout.Shape) }),
		}
	})
}

// MaskedFill returns t with v wherever mask (broadcast to t's shape) is true.
func (t *Tensor) MaskedFill(mask *Tensor, v float64) *Tensor {
	shape := mustBroadcast("masked_fill", t.layout.Shape, mask.layout.Shape)
	if !sameShape(shape, t.layout.Shape) {
		panic(fmt.Sprintf("masked_fill: mask of shape %v does not broadcast to tensor shape %v", mask.layout.Shape, t.layout.Shape))
	}
	out := Where(mask, fullOn(t.bk, t.DType(), v), t.plain())
	return record(opMaskFill, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		return []*Tensor{Where(mask, g.zeros(g.DType()), g)}
	})
}
