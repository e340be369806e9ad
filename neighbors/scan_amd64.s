//go:build amd64 && !noasm

#include "textflag.h"

// func firstBelowAVX2(s []float32, thr float32) int
// Returns the index of the first s[i] < thr, or len(s). 32 values per step: four
// compares, or-ed, one mask test; the step holding a hit is searched one value at a time.
TEXT ·firstBelowAVX2(SB), NOSPLIT, $0-40
	MOVQ         s_base+0(FP), SI
	MOVQ         s_len+8(FP), CX
	VBROADCASTSS thr+24(FP), Y0
	XORQ         AX, AX

step:
	MOVQ      CX, DX
	SUBQ      AX, DX
	CMPQ      DX, $32
	JLT       scalar
	VMOVUPS   (SI)(AX*4), Y1
	VMOVUPS   32(SI)(AX*4), Y2
	VMOVUPS   64(SI)(AX*4), Y3
	VMOVUPS   96(SI)(AX*4), Y4
	VCMPPS    $1, Y0, Y1, Y1
	VCMPPS    $1, Y0, Y2, Y2
	VCMPPS    $1, Y0, Y3, Y3
	VCMPPS    $1, Y0, Y4, Y4
	VORPS     Y1, Y2, Y1
	VORPS     Y3, Y4, Y3
	VORPS     Y1, Y3, Y1
	VMOVMSKPS Y1, DX
	TESTL     DX, DX
	JNZ       scalar
	ADDQ      $32, AX
	JMP       step

scalar:
	CMPQ     AX, CX
	JGE      done
	VMOVSS   (SI)(AX*4), X1
	VUCOMISS X1, X0
	JA       done
	INCQ     AX
	JMP      scalar

done:
	VZEROUPPER
	MOVQ AX, ret+32(FP)
	RET

// func firstRowBelowAVX2(c []float32, thr *[32]float32) (row int, mask uint32)
// c holds rows of 32 values. Returns the first row with a value below its lane's
// threshold, c[32·row + l] < thr[l], and the mask of those lanes l; or len(c)/32 and 0.
TEXT ·firstRowBelowAVX2(SB), NOSPLIT, $0-44
	MOVQ    c_base+0(FP), SI
	MOVQ    c_len+8(FP), CX
	MOVQ    thr+24(FP), DI
	SHRQ    $5, CX
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMOVUPS 64(DI), Y2
	VMOVUPS 96(DI), Y3
	XORQ    AX, AX

row:
	CMPQ      AX, CX
	JGE       none
	VMOVUPS   (SI), Y4
	VMOVUPS   32(SI), Y5
	VMOVUPS   64(SI), Y6
	VMOVUPS   96(SI), Y7
	VCMPPS    $1, Y0, Y4, Y4
	VCMPPS    $1, Y1, Y5, Y5
	VCMPPS    $1, Y2, Y6, Y6
	VCMPPS    $1, Y3, Y7, Y7
	VORPS     Y4, Y5, Y8
	VORPS     Y6, Y7, Y9
	VORPS     Y8, Y9, Y8
	VMOVMSKPS Y8, DX
	TESTL     DX, DX
	JNZ       found
	ADDQ      $128, SI
	INCQ      AX
	JMP       row

found:
	VMOVMSKPS Y4, DX
	VMOVMSKPS Y5, BX
	SHLL      $8, BX
	ORL       BX, DX
	VMOVMSKPS Y6, BX
	SHLL      $16, BX
	ORL       BX, DX
	VMOVMSKPS Y7, BX
	SHLL      $24, BX
	ORL       BX, DX
	VZEROUPPER
	MOVQ      AX, row+32(FP)
	MOVL      DX, mask+40(FP)
	RET

none:
	VZEROUPPER
	MOVQ AX, row+32(FP)
	MOVL $0, mask+40(FP)
	RET
