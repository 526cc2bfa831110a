"""Offscreen camera rendering on MuJoCo's public rendering API (headless via EGL or OSMesa; see README).

Built from ``mujoco.GLContext``, ``mujoco.MjrContext``, ``mujoco.MjvScene``, ``mjv_updateScene``, ``mjr_render`` and
``mjr_readPixels``, the documented pieces ``mujoco.Renderer`` itself is made of, so no private attribute of
``mujoco.Renderer`` is touched. Owning them lets a recompiled scene keep the GL context and its uploaded meshes
(about 0.6 s to build on a CPU renderer): spec-stage perturbations only change primitive geoms.

The GL context is created lazily on first use and re-created if the process changes (a context made before
``fork`` is unusable in the child), so environments can be built in one process and stepped in another.
"""

from __future__ import annotations

import os

import mujoco
import numpy as np

from arena.errors import UnknownNameError

_MAX_GEOM = 10_000


def _asset_signature(model: mujoco.MjModel) -> tuple:
    """What the GL context holds of a model: meshes, height fields and texture sizes."""
    return (
        tuple(model.mesh_vertnum),
        tuple(model.mesh_facenum),
        tuple(model.hfield_nrow),
        tuple(model.tex_width),
        tuple(model.tex_height),
        tuple(model.tex_nchannel),
        model.nskin,
        model.nflex,
    )


class _GLState:
    """A GL context and the MuJoCo render context of one model, owned by one process."""

    def __init__(self, model: mujoco.MjModel, height: int, width: int) -> None:
        self.pid = os.getpid()
        self.gl = mujoco.GLContext(width, height)
        self.gl.make_current()
        self.context = mujoco.MjrContext(model, mujoco.mjtFontScale.mjFONTSCALE_150.value)
        mujoco.mjr_setBuffer(mujoco.mjtFramebuffer.mjFB_OFFSCREEN.value, self.context)
        self.context.readDepthMap = mujoco.mjtDepthMap.mjDEPTH_ZEROFAR

    def close(self) -> None:
        if self.pid == os.getpid():
            self.context.free()
            self.gl.free()


class CameraRenderer:
    """Renders RGB, depth and segmentation images of named cameras at one image size.

    Args:
        model: The compiled scene.
        height: Image height in pixels.
        width: Image width in pixels.
        shadows: Render shadows (about 100 ms per frame on a CPU renderer, so off by default).
    """

    def __init__(self, model: mujoco.MjModel, height: int, width: int, shadows: bool = False) -> None:
        self.model = model
        self.height = height
        self.width = width
        self.shadows = shadows
        self._gl: _GLState | None = None
        self._scene = mujoco.MjvScene(model, maxgeom=_MAX_GEOM)
        self._option = mujoco.MjvOption()
        self._camera = mujoco.MjvCamera()
        self._camera.type = mujoco.mjtCamera.mjCAMERA_FIXED
        self._rect = mujoco.MjrRect(0, 0, width, height)
        self._stale_textures: set[int] = set()

    def camera_id(self, name: str) -> int:
        """Camera id by name; unknown names raise ``UnknownNameError`` listing the model's cameras."""
        camera = mujoco.mj_name2id(self.model, mujoco.mjtObj.mjOBJ_CAMERA, name)
        if camera < 0:
            names = [self.model.camera(i).name for i in range(self.model.ncam)]
            raise UnknownNameError(f"unknown camera {name!r}; valid cameras: {', '.join(names)}")
        return camera

    def _context(self) -> mujoco.MjrContext:
        if self._gl is None or self._gl.pid != os.getpid():
            self._gl = _GLState(self.model, self.height, self.width)
            self._stale_textures.clear()
        self._gl.gl.make_current()
        for texture in sorted(self._stale_textures):
            mujoco.mjr_uploadTexture(self.model, self._gl.context, texture)
        self._stale_textures.clear()
        return self._gl.context

    def set_model(self, model: mujoco.MjModel) -> None:
        """Render a recompiled scene, keeping the GL context when its meshes and textures are the same."""
        same_assets = _asset_signature(model) == _asset_signature(self.model)
        self.model = model
        self._scene = mujoco.MjvScene(model, maxgeom=_MAX_GEOM)
        if self._gl is not None and self._gl.pid == os.getpid() and same_assets:
            self._stale_textures.update(range(model.ntex))
        else:
            self.close()

    def mark_textures_changed(self, textures: set[int]) -> None:
        """Upload these textures' pixels from the model before the next render."""
        if self._gl is not None:
            self._stale_textures.update(textures)

    def _render(self, data: mujoco.MjData, camera: int, segment: bool) -> mujoco.MjrContext:
        """Draw one frame; ``segment`` draws flat id colours (no lighting, textures or shadows), which segmentation
        needs and depth, reading only the depth buffer, renders faster with."""
        context = self._context()
        self._camera.fixedcamid = camera
        mujoco.mjv_updateScene(
            self.model, data, self._option, None, self._camera, mujoco.mjtCatBit.mjCAT_ALL.value, self._scene
        )
        flags = self._scene.flags
        flags[mujoco.mjtRndFlag.mjRND_SHADOW] = int(self.shadows and not segment)
        flags[mujoco.mjtRndFlag.mjRND_REFLECTION] = 0
        flags[mujoco.mjtRndFlag.mjRND_SEGMENT] = int(segment)
        flags[mujoco.mjtRndFlag.mjRND_IDCOLOR] = int(segment)
        mujoco.mjr_render(self._rect, self._scene, context)
        return context

    def rgb(self, data: mujoco.MjData, camera: int) -> np.ndarray:
        """uint8 image of shape (height, width, 3)."""
        context = self._render(data, camera, segment=False)
        image = np.empty((self.height, self.width, 3), dtype=np.uint8)
        mujoco.mjr_readPixels(image, None, self._rect, context)
        return np.ascontiguousarray(image[::-1])

    def depth(self, data: mujoco.MjData, camera: int) -> np.ndarray:
        """float32 distance along the camera axis in metres, shape (height, width)."""
        context = self._render(data, camera, segment=True)
        buffer = np.empty((self.height, self.width), dtype=np.float32)
        mujoco.mjr_readPixels(None, buffer, self._rect, context)
        extent = self.model.stat.extent
        near = np.float32(self.model.vis.map.znear * extent)
        far = np.float32(self.model.vis.map.zfar * extent)
        # OpenGL's depth buffer (zero at far, one at near with mjDEPTH_ZEROFAR) back to metres.
        c_coef = np.float32(0.5) * (far + near) / (far - near) - np.float32(0.5)
        d_coef = far * near / (far - near)
        metres = d_coef / (buffer.astype(np.float64) + c_coef)
        return np.ascontiguousarray(metres.astype(np.float32)[::-1])

    def segmentation(self, data: mujoco.MjData, camera: int) -> np.ndarray:
        """int32 geom id per pixel (-1 where no geom is seen), shape (height, width)."""
        context = self._render(data, camera, segment=True)
        colours = np.empty((self.height, self.width, 3), dtype=np.uint8)
        mujoco.mjr_readPixels(colours, None, self._rect, context)
        channels = colours.astype(np.int64)
        segment = channels[..., 0] + channels[..., 1] * 256 + channels[..., 2] * 65536  # segid + 1, 0 = none
        lookup = np.full(self._scene.ngeom + 1, -1, dtype=np.int32)
        for index in range(self._scene.ngeom):
            geom = self._scene.geoms[index]
            if geom.segid >= 0 and geom.objtype == mujoco.mjtObj.mjOBJ_GEOM:
                lookup[geom.segid + 1] = geom.objid
        return np.ascontiguousarray(lookup[np.clip(segment, 0, self._scene.ngeom)][::-1])

    def close(self) -> None:
        """Release the GL context (safe to call twice)."""
        if self._gl is not None:
            self._gl.close()
        self._gl = None
