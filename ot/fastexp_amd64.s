//go:build !purego

#include "textflag.h"

// Vector exponential kernels (AVX2 + FMA), 4 doubles per YMM register.
//
// Registers kept for the whole kernel:
//	Y8  s            Y9  inv
//	Y10 64/ln2       Y11 shifter (1.5·2^52)
//	Y12 ln2/64 hi    Y13 ln2/64 lo
//	Y14 1.0          Y15 expMin
//	R8  &exp2Table
// Other constants are memory operands in ·expVecAVX2 (see fastexp_amd64.go).

#define K_MAX    ·expVecAVX2+192(SB)
#define K_INF    ·expVecAVX2+224(SB)
#define K_C6     ·expVecAVX2+256(SB)
#define K_C5     ·expVecAVX2+288(SB)
#define K_C4     ·expVecAVX2+320(SB)
#define K_C3     ·expVecAVX2+352(SB)
#define K_C2     ·expVecAVX2+384(SB)
#define K_IDX    ·expVecAVX2+416(SB)
#define K_LANES  ·expVecAVX2+448(SB)

// SETUP loads the kernel constants; s and inv are loaded by each kernel.
#define SETUP \
	VMOVUPD ·expVecAVX2+0(SB), Y10 \
	VMOVUPD ·expVecAVX2+32(SB), Y11 \
	VMOVUPD ·expVecAVX2+64(SB), Y12 \
	VMOVUPD ·expVecAVX2+96(SB), Y13 \
	VMOVUPD ·expVecAVX2+128(SB), Y14 \
	VMOVUPD ·expVecAVX2+160(SB), Y15 \
	LEAQ    ·exp2Table(SB), R8

// EXP4 takes the 4 arguments x in Y0 and leaves in Y5 their exponentials
// as valid for x in [expMin, expMax] (other lanes hold garbage), in Y1 the
// mask x < expMin, in Y2 the mask !(x <= expMax) (x > expMax or NaN) and in
// Y0 the value for those lanes, x + Inf (+Inf, or NaN for NaN). Clobbers
// Y3, Y4.
//
// y = x·64/ln2 + shifter holds k = round(x·64/ln2) in its low bits;
// r = x − k·ln2/64 (hi/lo); e^r by Horner (degree 6);
// e^x = 2^(k>>6) · exp2Table[k&63] · e^r, the power of two added to the
// exponent bits. The table index is masked to 0..63, so garbage lanes
// never read outside the table.
#define EXP4 \
	VMOVAPD      Y11, Y1 \
	VFMADD231PD  Y10, Y0, Y1 \
	VSUBPD       Y11, Y1, Y2 \
	VMOVAPD      Y0, Y3 \
	VFNMADD231PD Y12, Y2, Y3 \
	VFNMADD231PD Y13, Y2, Y3 \
	VMOVUPD      K_C5, Y2 \
	VFMADD231PD  K_C6, Y3, Y2 \
	VFMADD213PD  K_C4, Y3, Y2 \
	VFMADD213PD  K_C3, Y3, Y2 \
	VFMADD213PD  K_C2, Y3, Y2 \
	VFMADD213PD  Y14, Y3, Y2 \
	VFMADD213PD  Y14, Y3, Y2 \
	VPAND        K_IDX, Y1, Y3 \
	VPCMPEQQ     Y4, Y4, Y4 \
	VXORPD       Y5, Y5, Y5 \
	VGATHERQPD   Y4, (R8)(Y3*8), Y5 \
	VMULPD       Y2, Y5, Y5 \
	VPSRLQ       $6, Y1, Y1 \
	VPSLLQ       $52, Y1, Y1 \
	VPADDQ       Y1, Y5, Y5 \
	VCMPPD       $0x11, Y15, Y0, Y1 \
	VCMPPD       $0x16, K_MAX, Y0, Y2 \
	VADDPD       K_INF, Y0, Y0

// FINISH makes Y5 the kernel value after EXP4: 0 below expMin, x + Inf
// above expMax or for NaN.
#define FINISH \
	VANDNPD   Y5, Y1, Y5 \
	VBLENDVPD Y2, Y0, Y5, Y5

// ARG sets Y0 = s + g[j] − c[j]·inv for the 4 lanes at byte offset off
// from j = AX (c in SI, g in DI).
#define ARG(off) \
	VADDPD       off(DI)(AX*8), Y8, Y0 \
	VFNMADD231PD off(SI)(AX*8), Y9, Y0

// TAILMASK sets Y7 to the mask of lanes AX+i < CX (1 to 3 lanes) and
// loads their arguments into Y0 (other lanes 0, then s). Clobbers DX, Y3.
#define TAILMASK \
	MOVQ         CX, DX \
	SUBQ         AX, DX \
	VMOVQ        DX, X3 \
	VPBROADCASTQ X3, Y3 \
	VPCMPGTQ     K_LANES, Y3, Y7 \
	VMASKMOVPD   (DI)(AX*8), Y7, Y0 \
	VMASKMOVPD   (SI)(AX*8), Y7, Y3 \
	VADDPD       Y8, Y0, Y0 \
	VFNMADD231PD Y9, Y3, Y0

// HSUM sets X0 to the sum of the lanes of Y6: (l0 + l2) + (l1 + l3).
#define HSUM \
	VEXTRACTF128 $1, Y6, X0 \
	VADDPD       X6, X0, X0 \
	VUNPCKHPD    X0, X0, X1 \
	VADDSD       X1, X0, X0

// func sumExpShiftAVX2(c, g []float64, s, inv float64) float64
TEXT ·sumExpShiftAVX2(SB), NOSPLIT, $0-72
	MOVQ         c_base+0(FP), SI
	MOVQ         c_len+8(FP), CX
	MOVQ         g_base+24(FP), DI
	VBROADCASTSD s+48(FP), Y8
	VBROADCASTSD inv+56(FP), Y9
	SETUP
	VXORPD       Y6, Y6, Y6
	VXORPD       Y7, Y7, Y7
	XORQ         AX, AX

sum8:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JGT  sum4
	ARG(0)
	EXP4
	FINISH
	VADDPD Y5, Y6, Y6
	ARG(32)
	EXP4
	FINISH
	VADDPD Y5, Y7, Y7
	ADDQ   $8, AX
	JMP    sum8

sum4:
	VADDPD Y7, Y6, Y6
	LEAQ   4(AX), DX
	CMPQ   DX, CX
	JGT    sumtail
	ARG(0)
	EXP4
	FINISH
	VADDPD Y5, Y6, Y6
	MOVQ   DX, AX

sumtail:
	CMPQ AX, CX
	JGE  sumdone
	TAILMASK
	EXP4
	FINISH
	VANDPD Y7, Y5, Y5
	VADDPD Y5, Y6, Y6

sumdone:
	HSUM
	VMOVSD X0, ret+64(FP)
	VZEROUPPER
	RET

// func axpyExpShiftAVX2(acc, c, g []float64, s, inv float64)
TEXT ·axpyExpShiftAVX2(SB), NOSPLIT, $0-88
	MOVQ         acc_base+0(FP), BX
	MOVQ         c_base+24(FP), SI
	MOVQ         c_len+32(FP), CX
	MOVQ         g_base+48(FP), DI
	VBROADCASTSD s+72(FP), Y8
	VBROADCASTSD inv+80(FP), Y9
	SETUP
	XORQ         AX, AX

// AXPY stores acc + e (acc if x < expMin, x + Inf if above expMax or NaN)
// for the 4 lanes at byte offset off from j = AX.
#define AXPY(off) \
	ARG(off) \
	EXP4 \
	VMOVUPD   off(BX)(AX*8), Y6 \
	VADDPD    Y6, Y5, Y5 \
	VBLENDVPD Y1, Y6, Y5, Y5 \
	VBLENDVPD Y2, Y0, Y5, Y5 \
	VMOVUPD   Y5, off(BX)(AX*8)

axpy8:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JGT  axpy4
	AXPY(0)
	AXPY(32)
	ADDQ $8, AX
	JMP  axpy8

axpy4:
	LEAQ 4(AX), DX
	CMPQ DX, CX
	JGT  axpytail
	AXPY(0)
	MOVQ DX, AX

axpytail:
	CMPQ       AX, CX
	JGE        axpydone
	TAILMASK
	EXP4
	VMASKMOVPD (BX)(AX*8), Y7, Y6
	VADDPD     Y6, Y5, Y5
	VBLENDVPD  Y1, Y6, Y5, Y5
	VBLENDVPD  Y2, Y0, Y5, Y5
	VMASKMOVPD Y5, Y7, (BX)(AX*8)

axpydone:
	VZEROUPPER
	RET

// func writeExpShiftAVX2(dst, c, g []float64, s, inv float64) float64
TEXT ·writeExpShiftAVX2(SB), NOSPLIT, $0-96
	MOVQ         dst_base+0(FP), BX
	MOVQ         c_base+24(FP), SI
	MOVQ         c_len+32(FP), CX
	MOVQ         g_base+48(FP), DI
	VBROADCASTSD s+72(FP), Y8
	VBROADCASTSD inv+80(FP), Y9
	SETUP
	VXORPD       Y6, Y6, Y6
	VXORPD       Y7, Y7, Y7
	XORQ         AX, AX

write8:
	LEAQ 8(AX), DX
	CMPQ DX, CX
	JGT  write4
	ARG(0)
	EXP4
	FINISH
	VMOVUPD Y5, (BX)(AX*8)
	VADDPD  Y5, Y6, Y6
	ARG(32)
	EXP4
	FINISH
	VMOVUPD Y5, 32(BX)(AX*8)
	VADDPD  Y5, Y7, Y7
	ADDQ    $8, AX
	JMP     write8

write4:
	VADDPD Y7, Y6, Y6
	LEAQ   4(AX), DX
	CMPQ   DX, CX
	JGT    writetail
	ARG(0)
	EXP4
	FINISH
	VMOVUPD Y5, (BX)(AX*8)
	VADDPD  Y5, Y6, Y6
	MOVQ    DX, AX

writetail:
	CMPQ       AX, CX
	JGE        writedone
	TAILMASK
	EXP4
	FINISH
	VANDPD     Y7, Y5, Y5
	VMASKMOVPD Y5, Y7, (BX)(AX*8)
	VADDPD     Y5, Y6, Y6

writedone:
	HSUM
	VMOVSD X0, ret+88(FP)
	VZEROUPPER
	RET
