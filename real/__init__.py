"""The real-robot bridge (installed as ``arena.real``): the same ``EpisodeConfig`` that drives the simulator drives a
session on a physical arm over ROS 2.

``robot_config`` reads and checks ``robot.yaml``; ``plan``, ``mat`` and ``markers`` write the operator's guide
(sheets, 1:1 placement mats with ArUco markers); ``calibration`` finds the real camera from those markers;
``session`` runs episodes (``bridge``: the 20 Hz control loop with the ``safety`` layer; ``operator``: the person, or
a script in tests); ``twin`` is a MuJoCo robot on the same topics; ``recording`` writes rosbag2 MCAP files;
``correlation`` compares sim and real success. Only :mod:`arena.real.ros` imports rclpy, inside its functions.
"""
