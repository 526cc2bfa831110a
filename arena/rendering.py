"""Offscreen camera rendering with ``mujoco.Renderer`` (headless via EGL or OSMesa; see README).

The GL context is created lazily on first use and re-created if the process changes (a context made before
``fork`` is unusable in the child), so environments can be built in one process and stepped in another.
"""

from __future__ import annotations

import os

import mujoco
import numpy as np

from arena.errors import UnknownNameError


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
        self._renderer: mujoco.Renderer | None = None
        self._pid: int | None = None
        self._stale_textures: set[int] = set()

    def camera_id(self, name: str) -> int:
        """Camera id by name; unknown names raise ``UnknownNameError`` listing the model's cameras."""
        camera = mujoco.mj_name2id(self.model, mujoco.mjtObj.mjOBJ_CAMERA, name)
        if camera < 0:
            names = [self.model.camera(i).name for i in range(self.model.ncam)]
            raise UnknownNameError(f"unknown camera {name!r}; valid cameras: {', '.join(names)}")
        return camera

    def _get(self) -> mujoco.Renderer:
        if self._renderer is None or self._pid != os.getpid():
            self._renderer = mujoco.Renderer(self.model, self.height, self.width)
            self._pid = os.getpid()
            self._stale_textures.clear()
        if self._stale_textures:
            self._renderer._gl_context.make_current()
            for texture in sorted(self._stale_textures):
                mujoco.mjr_uploadTexture(self.model, self._renderer._mjr_context, texture)
            self._stale_textures.clear()
        return self._renderer

    def set_model(self, model: mujoco.MjModel) -> None:
        """Render a recompiled scene. The GL context (about 0.6 s to build on a CPU renderer, mostly mesh
        uploads) is kept when the new model has the same meshes and textures, which holds for every
        spec-stage perturbation since those only change primitive geoms."""
        same_assets = _asset_signature(model) == _asset_signature(self.model)
        self.model = model
        if self._renderer is not None and self._pid == os.getpid() and same_assets:
            self._renderer._model = model
            self._renderer._scene = mujoco.MjvScene(model, maxgeom=self._renderer._scene.maxgeom)
            self._stale_textures.update(range(model.ntex))
        else:
            self.close()

    def mark_textures_changed(self, textures: set[int]) -> None:
        """Upload these textures' pixels from the model before the next render."""
        if self._renderer is not None:
            self._stale_textures.update(textures)

    def _update(self, data: mujoco.MjData, camera: int) -> mujoco.Renderer:
        renderer = self._get()
        renderer.update_scene(data, camera=camera)
        renderer.scene.flags[mujoco.mjtRndFlag.mjRND_SHADOW] = int(self.shadows)
        renderer.scene.flags[mujoco.mjtRndFlag.mjRND_REFLECTION] = 0
        return renderer

    def rgb(self, data: mujoco.MjData, camera: int, out: np.ndarray | None = None) -> np.ndarray:
        """uint8 image of shape (height, width, 3)."""
        return self._update(data, camera).render(out=out)

    def depth(self, data: mujoco.MjData, camera: int) -> np.ndarray:
        """float32 depth in metres, shape (height, width)."""
        renderer = self._update(data, camera)
        renderer.enable_depth_rendering()
        try:
            return renderer.render().astype(np.float32)
        finally:
            renderer.disable_depth_rendering()

    def segmentation(self, data: mujoco.MjData, camera: int) -> np.ndarray:
        """int32 geom id per pixel (-1 where no geom is seen), shape (height, width)."""
        renderer = self._update(data, camera)
        renderer.enable_segmentation_rendering()
        try:
            raw = renderer.render()
        finally:
            renderer.disable_segmentation_rendering()
        ids = raw[..., 0].astype(np.int32)
        ids[raw[..., 1] != int(mujoco.mjtObj.mjOBJ_GEOM)] = -1
        return ids

    def close(self) -> None:
        """Release the GL context (safe to call twice)."""
        if self._renderer is not None and self._pid == os.getpid():
            self._renderer.close()
        self._renderer = None
