//go:build amd64 && !noasm

#include "textflag.h"

// ARGMIN8 turns the dots in acc into e = cn − 2·dot (Y14 = cn, Y13 = −2), then stores the
// minimum (float32 bits) at off(DI) and the lowest lane that attains it at off+4(DI).
#define ARGMIN8(acc, off) \
	VFMADD213PS  Y14, Y13, acc \
	VPERM2F128   $1, acc, acc, Y9 \
	VMINPS       acc, Y9, Y9 \
	VPERMILPS    $0x4E, Y9, Y10 \
	VMINPS       Y9, Y10, Y9 \
	VPERMILPS    $0xB1, Y9, Y10 \
	VMINPS       Y9, Y10, Y9 \
	VCMPPS       $0, Y9, acc, Y10 \
	VMOVMSKPS    Y10, AX \
	BSFL         AX, AX \
	MOVL         AX, off+4(DI) \
	VMOVSS       X9, off(DI)

// func dots8MinAVX2(x *float32, ldx, rows, d int, ct *float32, cn *float32, out *uint32)
//
// For the rows r < rows (a multiple of 8) of x: e_c = cn[c] − 2·Σ_j x[r·ldx + j]·ct[j·8 + c]
// in float32 (the sum by FMAs, then one fused multiply-add by −2), then out[2r] = the bits of
// min_c e_c and out[2r+1] = the lowest c attaining it.
TEXT ·dots8MinAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ ldx+8(FP), R8
	SHLQ $2, R8
	MOVQ rows+16(FP), CX
	MOVQ d+24(FP), DX
	MOVQ ct+32(FP), R9
	MOVQ cn+40(FP), AX
	VMOVUPS (AX), Y14
	MOVQ out+48(FP), DI
	MOVQ $0xc0000000, AX       // −2.0
	MOVQ AX, X13
	VBROADCASTSS X13, Y13
	LEAQ (R8)(R8*2), R11
	LEAQ (R8)(R8*4), R12
	LEAQ (R11)(R8*4), R13

mrowloop:
	CMPQ CX, $8
	JL   mdone
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ SI, R10
	MOVQ R9, BX
	MOVQ DX, AX

mjloop:
	VMOVUPS      (BX), Y8
	VBROADCASTSS (R10), Y9
	VFMADD231PS  Y8, Y9, Y0
	VBROADCASTSS (R10)(R8*1), Y10
	VFMADD231PS  Y8, Y10, Y1
	VBROADCASTSS (R10)(R8*2), Y11
	VFMADD231PS  Y8, Y11, Y2
	VBROADCASTSS (R10)(R11*1), Y12
	VFMADD231PS  Y8, Y12, Y3
	VBROADCASTSS (R10)(R8*4), Y9
	VFMADD231PS  Y8, Y9, Y4
	VBROADCASTSS (R10)(R12*1), Y10
	VFMADD231PS  Y8, Y10, Y5
	VBROADCASTSS (R10)(R11*2), Y11
	VFMADD231PS  Y8, Y11, Y6
	VBROADCASTSS (R10)(R13*1), Y12
	VFMADD231PS  Y8, Y12, Y7
	ADDQ $4, R10
	ADDQ $32, BX
	DECQ AX
	JNZ  mjloop

	ARGMIN8(Y0, 0)
	ARGMIN8(Y1, 8)
	ARGMIN8(Y2, 16)
	ARGMIN8(Y3, 24)
	ARGMIN8(Y4, 32)
	ARGMIN8(Y5, 40)
	ARGMIN8(Y6, 48)
	ARGMIN8(Y7, 56)
	ADDQ $64, DI
	LEAQ (SI)(R8*8), SI
	SUBQ $8, CX
	JMP  mrowloop

mdone:
	VZEROUPPER
	RET
