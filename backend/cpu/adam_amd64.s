//go:build amd64 && !noasm

#include "textflag.h"

// func adamKernelAVX512(n int, wp, gp, mp, vp *float32, b1, omb1, b2, omb2, step, bc2sqrt, eps float32)
// For i < n (a multiple of 16), in float32 as PyTorch's Adam computes:
//   m = m·b1 + g·(1−b1);  v = v·b2 + g²·(1−b2);  w = w − step·(m / (√v / bc2sqrt + eps)).
TEXT ·adamKernelAVX512(SB), NOSPLIT, $0-68
	MOVQ n+0(FP), CX
	MOVQ wp+8(FP), SI
	MOVQ gp+16(FP), DI
	MOVQ mp+24(FP), R8
	MOVQ vp+32(FP), R9
	VBROADCASTSS b1+40(FP), Z10
	VBROADCASTSS omb1+44(FP), Z11
	VBROADCASTSS b2+48(FP), Z12
	VBROADCASTSS omb2+52(FP), Z13
	VBROADCASTSS step+56(FP), Z14
	VBROADCASTSS bc2sqrt+60(FP), Z15
	VBROADCASTSS eps+64(FP), Z16
	SHRQ $4, CX
	JZ done
loop:
	VMOVUPS (DI), Z0
	VMOVUPS (R8), Z1
	VMULPS Z10, Z1, Z1
	VMULPS Z11, Z0, Z7
	VADDPS Z7, Z1, Z1
	VMOVUPS Z1, (R8)
	VMOVUPS (R9), Z2
	VMULPS Z12, Z2, Z2
	VMULPS Z0, Z0, Z3
	VMULPS Z13, Z3, Z3
	VADDPS Z3, Z2, Z2
	VMOVUPS Z2, (R9)
	VSQRTPS Z2, Z4
	VDIVPS Z15, Z4, Z4
	VADDPS Z16, Z4, Z4
	VDIVPS Z4, Z1, Z5
	VMULPS Z14, Z5, Z5
	VMOVUPS (SI), Z6
	VSUBPS Z5, Z6, Z6
	VMOVUPS Z6, (SI)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, R8
	ADDQ $64, R9
	DECQ CX
	JNZ loop
done:
	VZEROUPPER
	RET
