"""A read-mostly view of a compiled Arena scene: names resolved to ids once, privileged queries.

:class:`SceneState` implements the spec layer's :class:`~arena.spec.predicates.SceneQuery`, so success predicates
run on it; the scripted expert reads it too.
"""

from __future__ import annotations

import mujoco
import numpy as np

from arena.errors import UnknownNameError
from arena.geometry import mat_to_quat
from arena.robot import panda
from arena.sim import naming
from arena.spec.task import TaskSpec

#: Height (metres) a wiped dirt speck is moved to: under the table top, out of every camera's sight.
_WIPED_Z = -0.1


class SceneState:
    """Privileged access to object poses, sites, joints and contacts of a compiled task scene.

    Names follow :mod:`arena.sim.naming`.
    """

    def __init__(self, model: mujoco.MjModel, data: mujoco.MjData, task: TaskSpec, scales: dict[str, float]):
        self.model = model
        self.data = data
        self.task = task
        self.scales = dict(scales)
        self._geoms: dict[str, frozenset[int]] = {}
        self._root_body: dict[str, int] = {}
        self._free_qpos: dict[str, int] = {}
        self._free_dof: dict[str, int] = {}
        for spec in task.objects:
            parts = spec.shape.parts()
            self._root_body[spec.name] = model.body(naming.object_body(spec.name, parts[0].name)).id
            prefix = naming.object_geom_prefix(spec.name)
            self._geoms[spec.name] = frozenset(
                g for g in range(model.ngeom) if (model.geom(g).name or "").startswith(prefix)
            )
            if spec.shape.free:
                joint = model.joint(naming.free_joint(spec.name))
                self._free_qpos[spec.name] = int(joint.qposadr[0])
                self._free_dof[spec.name] = int(joint.dofadr[0])
        self._table = frozenset({model.geom(naming.TABLE_GEOM).id})
        finger_bodies = {model.body(name).id for name in panda.FINGER_BODIES}
        self._left = frozenset(g for g in range(model.ngeom) if model.geom_bodyid[g] == model.body("left_finger").id)
        self._right = frozenset(g for g in range(model.ngeom) if model.geom_bodyid[g] == model.body("right_finger").id)
        self._gripper = frozenset(g for g in range(model.ngeom) if model.geom_bodyid[g] in finger_bodies)
        self._previous_sites = data.site_xpos.copy()
        self._initial_qpos = data.qpos.copy()
        self._init_dirt()

    def mark_start(self) -> None:
        """Remember every joint's position as the episode's start (:meth:`initial_joint_value`) and lay every dirt
        speck back on its patch (:meth:`wipe`); the environment marks once per reset, after the scene has settled."""
        self._initial_qpos[:] = self.data.qpos
        for name, (mocap, offsets) in self._specks.items():
            root = self._root_body[name]
            frame = self.data.xmat[root].reshape(3, 3)
            self.data.mocap_pos[mocap] = self.data.xpos[root] + offsets @ frame.T
        if self._specks:
            mujoco.mj_kinematics(self.model, self.data)  # the specks' geoms where the first image shows them

    # ------------------------------------------------------------------------------------------ dirt
    def _init_dirt(self) -> None:
        """Find the dirt patches (shapes with ``speck_offsets``: ``arena/objects/dirt.py``) and what wipes them."""
        self._specks: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # object: (mocap ids, speck offsets at scale)
        for spec in self.task.objects:
            shape = spec.shape.scaled(self.scales.get(spec.name, 1.0))
            if not hasattr(shape, "speck_offsets"):
                continue
            offsets = np.asarray(shape.speck_offsets(), float)
            bodies = [
                self.model.body(naming.object_body(spec.name, shape.speck_name(k))).id for k in range(len(offsets))
            ]
            mocap = np.array([self.model.body_mocapid[b] for b in bodies])
            self._specks[spec.name] = (mocap, np.column_stack([offsets, np.zeros(len(offsets))]))
        # Boxes of loose task objects wipe (a sponge's foam): a speck goes when such a box touching the table covers it.
        self._wiper_boxes = np.array(
            sorted(
                g
                for spec in self.task.objects
                if spec.shape.free
                for g in self._geoms[spec.name]
                if self.model.geom_type[g] == mujoco.mjtGeom.mjGEOM_BOX
            ),
            dtype=int,
        )

    @property
    def has_dirt(self) -> bool:
        """Whether the task has a dirt patch."""
        return bool(self._specks)

    @property
    def dirt_patches(self) -> tuple[str, ...]:
        """Names of the task's dirt patches."""
        return tuple(self._specks)

    def wipe(self) -> None:
        """Wipe off every speck that a box of a loose task object lying on the table covers (seen from above, inside
        the box's footprint); the environment calls this after every control step. A wiped speck's mocap body goes
        under the table top, out of sight."""
        if not self._specks:
            return
        contacts = self.data.contact
        ncon = self.data.ncon
        pairs = np.stack([contacts.geom1[:ncon], contacts.geom2[:ncon]], axis=1) if ncon else np.zeros((0, 2), int)
        table = next(iter(self._table))
        on_table = pairs[(pairs == table).any(axis=1)].ravel()
        wipers = np.intersect1d(on_table, self._wiper_boxes)
        for geom in wipers:
            center = self.data.geom_xpos[geom]
            frame = self.data.geom_xmat[geom].reshape(3, 3)
            half = self.model.geom_size[geom]
            for mocap, _ in self._specks.values():
                local = (self.data.mocap_pos[mocap] - center) @ frame
                covered = (
                    (np.abs(local[:, 0]) <= half[0])
                    & (np.abs(local[:, 1]) <= half[1])
                    & (local[:, 2] > -half[2] - 0.01)
                )
                self.data.mocap_pos[mocap[covered], 2] = _WIPED_Z

    def _speck_positions(self, name: str) -> np.ndarray:
        """World positions of every speck of the dirt patch ``name``, wiped ones (under the table) included."""
        if name not in self._specks:
            raise UnknownNameError(f"object {name!r} is not a dirt patch; dirt patches: {sorted(self._specks)}")
        return self.data.mocap_pos[self._specks[name][0]]

    def dirt_positions(self, name: str) -> np.ndarray:
        """World positions (n x 3) of the specks of the dirt patch ``name`` still on the table."""
        positions = self._speck_positions(name)
        return positions[positions[:, 2] > _WIPED_Z / 2].copy()

    def dirt_left(self, name: str) -> int:
        """How many specks of the dirt patch ``name`` are still on the table."""
        return int(np.count_nonzero(self._speck_positions(name)[:, 2] > _WIPED_Z / 2))

    def mark_step(self) -> None:
        """Remember every site's position: :meth:`previous_site_pos` answers with it until the next mark.

        The environment marks once at reset and before each control step, so predicates can tell how something
        moved during the last step (a ball crossing a rim).
        """
        self._previous_sites[:] = self.data.site_xpos

    # ------------------------------------------------------------------------------------------ ids
    def object_geoms(self, name: str) -> frozenset[int]:
        """Geom ids of every part of object ``name``."""
        if name not in self._geoms:
            raise UnknownNameError(f"unknown object {name!r}; objects: {sorted(self._geoms)}")
        return self._geoms[name]

    def part_geoms(self, name: str, part: str) -> frozenset[int]:
        """Geom ids of the part ``part`` of object ``name``."""
        body = mujoco.mj_name2id(self.model, mujoco.mjtObj.mjOBJ_BODY, naming.object_body(name, part))
        geoms = frozenset(g for g in self.object_geoms(name) if self.model.geom_bodyid[g] == body)
        if body < 0 or not geoms:
            parts = [p.name for p in self.task.object(name).shape.parts()]
            raise UnknownNameError(f"object {name!r} has no part {part!r} with geoms; parts: {parts}")
        return geoms

    def root_body(self, name: str) -> int:
        """Body id of the object's root part."""
        self.object_geoms(name)
        return self._root_body[name]

    def free_qpos_address(self, name: str) -> int | None:
        """qpos address of the object's free joint, or None for fixed objects."""
        return self._free_qpos.get(name)

    def footprint_radius(self, name: str) -> float:
        """Footprint radius (metres) of the object at its current scale."""
        return self.task.object(name).shape.scaled(self.scales.get(name, 1.0)).footprint_radius()

    # ------------------------------------------------------------------------------------------ poses
    def object_pose(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """World position and quaternion of the object frame."""
        body = self.root_body(name)
        return self.data.xpos[body].copy(), self.data.xquat[body].copy()

    def site_pos(self, obj: str, site: str) -> np.ndarray:
        """World position of site ``<obj>/<site>``."""
        return self.data.site(naming.object_site(obj, site)).xpos.copy()

    def site_pose(self, obj: str, site: str) -> tuple[np.ndarray, np.ndarray]:
        """World position and quaternion of site ``<obj>/<site>``."""
        site_data = self.data.site(naming.object_site(obj, site))
        return site_data.xpos.copy(), mat_to_quat(site_data.xmat)

    def previous_site_pos(self, obj: str, site: str) -> np.ndarray:
        """World position of site ``<obj>/<site>`` at the last :meth:`mark_step`."""
        return self._previous_sites[self.model.site(naming.object_site(obj, site)).id].copy()

    def initial_joint_value(self, obj: str, joint: str) -> float:
        """Position of the part joint ``<obj>/<joint>`` at the last :meth:`mark_start` (the episode's start)."""
        return float(self._initial_qpos[self.model.joint(naming.object_joint(obj, joint)).qposadr[0]])

    def object_axis(self, obj: str, axis: str) -> np.ndarray:
        """World direction of the ``x``, ``y`` or ``z`` axis of the object frame."""
        if axis not in ("x", "y", "z"):
            raise UnknownNameError(f"unknown axis {axis!r}; axes: x, y, z")
        return self.data.xmat[self.root_body(obj)].reshape(3, 3)[:, "xyz".index(axis)].copy()

    def joint_value(self, obj: str, joint: str) -> float:
        """Position of the part joint ``<obj>/<joint>`` (radians or metres)."""
        return float(self.data.joint(naming.object_joint(obj, joint)).qpos[0])

    # ------------------------------------------------------------------------------------------ contacts
    def _touching(self, a: frozenset[int], b: frozenset[int]) -> bool:
        contacts = self.data.contact
        for i in range(self.data.ncon):
            g1, g2 = contacts.geom1[i], contacts.geom2[i]
            if (g1 in a and g2 in b) or (g1 in b and g2 in a):
                return True
        return False

    def touching(self, first: str, second: str, part: str | None = None) -> bool:
        """Whether any geom of object ``first`` touches any geom of object ``second`` (of its part ``part``)."""
        other = self.object_geoms(second) if part is None else self.part_geoms(second, part)
        return self._touching(self.object_geoms(first), other)

    def touching_table(self, name: str) -> bool:
        """Whether object ``name`` touches the table top."""
        return self._touching(self.object_geoms(name), self._table)

    def touching_gripper(self, name: str) -> bool:
        """Whether either finger touches object ``name``."""
        return self._touching(self.object_geoms(name), self._gripper)

    def grasped(self, name: str) -> bool:
        """Whether both fingers touch object ``name``."""
        geoms = self.object_geoms(name)
        return self._touching(geoms, self._left) and self._touching(geoms, self._right)
