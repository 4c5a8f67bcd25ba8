"""The newest release of djstarter, and the commits earlier releases were built from.

Cutting a release is one commit titled ``Release X.Y.Z`` that sets ``RELEASE`` and adds the release's
section to ``CHANGELOG.md`` (the last commit of the release: later commits build as ``X.Y.Z.post<N>``).
When the next release is cut, this release's commit joins ``EARLIER``: every wheel carries the templates
of the releases listed there, so a template store rebuilt from scratch can still update their projects.
"""

RELEASE = "0.18.0"

#: Earlier releases -> the full hash of the commit each was built from (oldest first).
EARLIER = {
    "0.1.0": "4389b33de860e8a00705f8203019fa9d2df2920f",
    "0.2.0": "c066acf9c9d356dc0072613bd1de559ac1abf34d",
    "0.3.0": "c294ff85066fb9fed65d830dfd27fdf31ccd6bed",
    "0.4.0": "8a1da68beab96b0a22250373c147a7d053c55de4",
    "0.5.0": "2c1b0a1ba1ab8bb8a7751eae45efb3f5ce130c83",
    "0.6.0": "b6c722afd9fbd53f1fff1e0b6d20a9026498a308",
    "0.7.0": "7d3d8d9c1f39cdd80d7e639a007fd05981b16b07",
    "0.8.0": "1dd59c24c8c0701294c9fd55f18d5af162f3cc91",
    "0.9.0": "d03959e43562e600d50e504113b8dc40f04e6da3",
    "0.10.0": "55e930be0f48d47b7d0941be741e06ced20a1c19",
    "0.11.0": "a00181c3caa4525844f216b3c34823ab36ea3ecf",
    "0.12.0": "4f4e27d81845045cf3a140702aaf93a7ee780722",
    "0.13.0": "14d1d910fd8304361eabfdfb525c6c40843755eb",
    "0.14.0": "909eedccd95910b3dd54299b652e393fe6aa546f",
    "0.15.0": "b96fc8d9d63ee01492fffe510c677f30745d7dd6",
    "0.16.0": "f1609cd6eda8e82cdbc40511e602ca85de62a16f",
    "0.17.0": "76ec2518219e0c7501688c8f5738754b59379676",
}
